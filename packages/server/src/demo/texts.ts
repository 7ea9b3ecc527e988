import type { EntryKind } from '@safekeep/core';

/**
 * Entry texts written the way the seed procedures ask (R7): plain words, fact told apart
 * from opinion, third parties named as the source of what they said, other children as
 * initials. Placeholders: {name} the child, {carer}, {school}, {worker}.
 */
export interface Template {
  title: string;
  body: string;
}

export const TEXTS: Partial<Record<EntryKind, Template[]>> = {
  visit: [
    {
      title: 'Visit to {name} at home',
      body: 'I visited {name} at {carer}. {name} showed me their bedroom, which was clean and had their drawings on the wall. {name} said school is "OK" and that they like their new teacher. We talked about family time with mum; {name} wants it to stay on Saturdays. I saw no concerns about the home. My view is that {name} is settled.',
    },
    {
      title: 'Visit: time alone with {name}',
      body: 'I saw {name} on their own in the garden for about 20 minutes. {name} told me they had fallen out with a friend at {school} but that it was sorted now. {carer} told me {name} has been sleeping well. I checked that {name} knows how to contact me; they have my card on the fridge.',
    },
    {
      title: 'Visit after school',
      body: 'Visited after school. {name} was doing homework at the kitchen table with {carer}. {name} said they would like to join the football club. {carer} agreed to look into it. I will raise the cost at the next review.',
    },
  ],
  'case-note': [
    { title: 'Phone call with {school}', body: 'The designated teacher at {school} phoned. She reported that {name} has been on time every day this half term and has made a new friend. She has no concerns.' },
    { title: 'Call from {carer}', body: '{carer} phoned to say {name} had a nosebleed at school and was seen by the school nurse. No further action was needed. {carer} will tell me if it happens again.' },
    { title: 'Message from {name}', body: '{name} texted to ask when the next family time will be. I replied with the date and time.' },
    { title: 'Strategy discussion notes', body: 'Discussion with the police and the school nurse. Facts agreed: {name} has missed 6 days of school this month. Opinions differ on the cause; the school nurse thinks it is anxiety. Agreed next step: an assessment visit this week.' },
  ],
  assessment: [
    { title: 'Child and family assessment', body: 'Assessment completed with {name}, their mother and {school}. Sources are named in each section. Needs identified: routine at home, school attendance, support for mum. Recommendation: a child in need plan.' },
    { title: 'Updated needs assessment', body: 'Reviewed {name}’s needs with {carer} and {name}. {name} said they feel safe. Education and health needs are met. No new needs found.' },
  ],
  'care-plan': [{ title: 'Care plan', body: 'Plan for {name}: remain with {carer} long term; family time with mum every other Saturday, supervised; keep {school}; annual health assessment. {name}’s wishes: to stay where they are and see their brother more often.' }],
  'placement-plan': [{ title: 'Placement plan with {carer}', body: 'Day-to-day arrangements agreed with {carer}: bedtimes, pocket money, school travel, who may give consent for school trips. {name} was part of the meeting and agreed the plan.' }],
  'health-plan': [{ title: 'Health plan', body: 'From the health assessment: immunisations up to date; dental check due in March; eye test booked. {carer} will take {name} to appointments.' }],
  pep: [{ title: 'Personal education plan (PEP) meeting', body: 'PEP meeting at {school} with the designated teacher, {carer} and {name}. Attendance 96%. Targets: reading at home 3 times a week; join an after-school club. Pupil premium plus used for a tutor in maths.' }],
  'health-assessment': [{ title: 'Review health assessment', body: 'Report from the looked-after children’s nurse: {name} is growing well; no new concerns. Recommendations are in the health plan.' }],
  review: [{ title: 'Child in care review', body: 'Review chaired by the independent reviewing officer. {name} attended part of the meeting and shared their views in their own words. Decisions: the care plan continues; family time stays the same; next review in six months.' }],
  'court-order': [{ title: 'Care order made', body: 'The family court made a full care order. The authority shares parental responsibility with the parents.' }],
  'provider-arrangement': [{ title: 'Arrangement with an independent fostering agency', body: 'Placement with {carer} is through an independent fostering agency. The agency supervises the carers; the authority keeps the statutory visits and reviews.' }],
  'contact-arrangement': [{ title: 'Family time arrangements', body: 'Family time with mum every other Saturday, 10am to 12pm, supervised at the family centre. Phone calls with dad on Wednesdays. {name} asked for more time with their sibling; this will go to the review.' }],
  'court-report': [{ title: 'Children’s guardian’s report', body: 'Summary of the children’s guardian’s report filed with the court. The guardian supports the care plan. Full report attached.' }],
  'education-progress': [{ title: 'School report', body: '{school} end-of-term report: {name} is working at the expected level in reading and just below in maths. Attendance 95%.' }],
  'planning-document': [{ title: 'Consultation form completed by {name}', body: '{name} filled in their consultation form before the review. In their words: "I like living here. I want to see my brother more."' }],
  correspondence: [
    { title: 'Letter to mum about family time', body: 'Letter sent to {name}’s mother confirming family time dates for the next three months and how to contact the team.' },
    { title: 'Letter from the GP surgery', body: 'Letter from the GP confirming {name} is registered and that their immunisations are up to date.' },
  ],
  decision: [{ title: 'Decision on family time', body: 'Decided by the team manager: family time with mum stays supervised for now. Reasons and views recorded in the decision.' }],
  'child-contribution': [{ title: '{name}’s drawing of their family', body: '{name} drew a picture of the people important to them and asked for it to go in their file. The original stays with {name}; a copy is kept here.' }],
};

export const CORRECTIONS: Array<{ reason: string; change: (t: Template) => Partial<Template> }> = [
  { reason: 'Corrected a typing mistake in the title.', change: (t) => ({ title: `${t.title} (corrected)` }) },
  { reason: 'Added who else was present, as Re M and N (2018) asks.', change: (t) => ({ body: `${t.body} Also present: the family support worker.` }) },
  { reason: 'Clarified that this is my opinion, not a fact.', change: (t) => ({ body: t.body.replace('I saw no concerns', 'In my opinion there were no concerns') }) },
];

export function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? `{${key}}`);
}
