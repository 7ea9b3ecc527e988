import { Command, Option } from 'commander';
import { ConfigError } from '../config/config.js';
import { auditCheckpointCommand, auditVerifyCommand } from './audit-verify.js';
import { holidaysImportCommand } from './holidays-import.js';
import { migrateCommand } from './migrate.js';
import { retentionReportCommand } from './retention-report.js';
import { serveCommand } from './serve.js';
import { userAddCommand } from './user-add.js';

/** `safekeep …`: every command takes --data-dir or --database-url (API.md, Command line). */
function withDatabase(cmd: Command): Command {
  return cmd
    .addOption(new Option('--data-dir <dir>', 'keep the embedded database and documents here (default ./data, or SAFEKEEP_DATA_DIR)'))
    .addOption(new Option('--database-url <url>', 'use this PostgreSQL database instead (or DATABASE_URL)'));
}

const program = new Command('safekeep').description('Safekeep: case records for children’s services').showHelpAfterError();

withDatabase(program.command('serve').description('run the server'))
  .option('--port <n>', 'port to listen on (default 3000, or PORT)')
  .option('--host <h>', 'address to listen on (default 127.0.0.1, or HOST)')
  .option('--demo', 'on first start, create a demo authority and print its logins')
  .action(serveCommand);

withDatabase(program.command('migrate').description('apply database migrations and print each result')).action(migrateCommand);

const user = program.command('user').description('manage users');
withDatabase(user.command('add').description('create a user; the password is read from standard input'))
  .requiredOption('--username <name>', 'the sign-in name')
  .option('--role <role>', 'a role (repeat for several)', (value: string, previous: string[] = []) => [...previous, value])
  .option('--team <name>', 'the team to join (must exist)')
  .option('--display-name <name>', 'the name shown to others (default: the username)')
  .requiredOption('--password-stdin', 'read the password from standard input')
  .action(userAddCommand);

const holidays = program.command('holidays').description('bank holidays for working-day deadlines');
withDatabase(holidays.command('import <file>').description("load GOV.UK's bank-holidays.json (www.gov.uk/bank-holidays.json)")).action(holidaysImportCommand);

const audit = program.command('audit').description('the audit trail');
withDatabase(audit.command('verify').description('check the whole audit trail; exit 0 if intact, 1 if tampered (says where)')).action(auditVerifyCommand);
withDatabase(audit.command('checkpoint').description('print the RFC 9162 tree head {treeSize, rootHash} of the audit trail as JSON')).action(auditCheckpointCommand);

const retention = program.command('retention').description('retention of records');
withDatabase(retention.command('report').description('every record’s destruction date, holds and blockers, with progress'))
  .option('--csv', 'write CSV instead of a table')
  .action(retentionReportCommand);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(2);
  }
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
