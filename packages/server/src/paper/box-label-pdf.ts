import { renderPdf, type Block } from '../pdf/pdf-document.js';
import type { BoxView } from './paper.service.js';

/** A 4 × 6 inch label: the box's barcode, where it lives, the date its contents may be destroyed from, and DO NOT DESTROY while held (R13). */
export const LABEL_SIZE = [288, 432] as const;

function* blocks(box: BoxView, today: string): Generator<Block> {
  yield { type: 'heading', text: 'Off-site records box', level: 2 };
  yield { type: 'barcode', value: box.barcode, caption: box.barcode };
  if (box.doNotDestroy) {
    yield { type: 'paragraph', text: 'DO NOT DESTROY', style: 'warning' };
    yield { type: 'paragraph', text: `Held: ${box.holds.join(', ')}. Keep this box whatever the date below says.`, style: 'small' };
  }
  yield {
    type: 'fields',
    rows: [
      ['Location', box.location],
      ['Files', String(box.files)],
      ['Destroy from', box.destroyFrom ?? `not yet known (${box.undeterminedFiles} file${box.undeterminedFiles === 1 ? '' : 's'} without a date)`],
      ['Printed', today],
    ],
  };
  yield { type: 'paragraph', text: 'Destruction only with a Safekeep destruction certificate for every file in this box.', style: 'small' };
}

export async function boxLabelPdf(box: BoxView, today: string, createdAt: Date): Promise<Buffer> {
  const { bytes } = await renderPdf({ title: `Box ${box.barcode}`, author: 'Safekeep', size: LABEL_SIZE, pageNumbers: false, createdAt, blocks: blocks(box, today) });
  return bytes;
}
