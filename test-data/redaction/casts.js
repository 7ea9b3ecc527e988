// The two synthetic families the corpus sentences are about. Every name is invented.
// `people` is what a caller passes to proposeRedactions for the requester's SAR;
// `notProposed` is the requester and the professionals, passed as options.notProposed.

const child = (id, givenName, familyName, otherNames) => ({ id, kind: 'child', givenName, familyName, ...(otherNames ? { otherNames } : {}) });
const third = (id, givenName, familyName, otherNames) => ({ id, kind: 'third-party', givenName, familyName, ...(otherNames ? { otherNames } : {}) });

export const casts = {
  main: {
    about:
      'SAR from Tyler Rowe (15, looked after, placed with foster carers Grace and Femi Okafor). Tyler and the ' +
      'professionals are not proposed.',
    people: [
      third('sarah', 'Sarah', 'Rowe', ['Whitfield']), // mother; Whitfield is her former family name
      third('mark', 'Mark', 'Rowe'), // father
      third('darren', 'Darren', 'Pike', ['Daz']), // mother's partner
      child('zoe', 'Zoë', 'Smith-Jones', ['Zozo']), // half-sister, 9
      third('rose', 'Rose', 'Whitfield', ['Nanna Rose']), // maternal grandmother
      third('sian', 'Siân', 'Llewellyn'), // paternal aunt
      third('pieter', 'Pieter', 'van der Berg'), // neighbour below
      third('kmistry', 'K', 'Mistry'), // neighbour, only an initial known
      third('grace', 'Grace', 'Okafor'), // foster carer
      third('femi', 'Femi', 'Okafor'), // foster carer
      child('will', 'William', 'Barker', ['Will', 'Billy']), // other child in the placement
      child('hope', 'Hope', 'Adeyemi-Clarke'), // other child in the placement
      child('kai', 'Kai', 'O’Neill'), // friend
      child('leahmae', 'Leah-Mae', 'Dawson'), // friend, former girlfriend
      third('joanne', 'Joanne', 'Dawson', ['Jo']), // Leah-Mae's mother
      child('eoin', 'Eoin', 'Ó Súilleabháin'), // friend
      child('may', 'May', 'Lin'), // friend from the flats
      third('ann', 'Ann', 'Kowalczyk'), // neighbour
    ],
    notProposed: [
      { givenName: 'Tyler', familyName: 'Rowe', otherNames: ['Ty'] },
      { givenName: 'Priya', familyName: 'Shah' }, // social worker
      { givenName: 'Helen', familyName: 'Booth' }, // IRO
      { givenName: 'Rowena', familyName: 'Adams' }, // designated safeguarding lead
      { givenName: 'Tom', familyName: 'Fletcher' }, // police constable
      { givenName: 'Imran', familyName: 'Hassan' }, // GP
      { givenName: 'Rose', familyName: 'Patel' }, // paediatrician
      { givenName: 'Lewis', familyName: 'Grant' }, // family support worker
    ],
  },
  mensah: {
    about: 'SAR from Jordan Mensah (19, care leaver). Jordan and the professionals are not proposed.',
    people: [
      third('nkechi', 'Nkechi', 'Mensah'), // mother
      third('kwame', 'Kwame', 'Mensah', ['Kwams']), // father
      child('ama', 'Ama', 'Mensah'), // sister, 12
      child('faith', 'Faith', 'Mensah'), // sister, 8
      third('joy', 'Joy', 'Mensah'), // grandmother
      child('beatriz', 'Beatriz', 'García-López', ['Bea']), // former foster sister, 17
      third('chloe', 'Chloé', 'Dubois'), // father's partner
      third('ibrahim', 'Ibrahim', 'Al-Rashid'), // neighbour
      third('lukasz', 'Łukasz', 'Wójcik'), // father's friend
      third('soren', 'Søren', 'Møller'), // supported lodgings host
      third('margaret', 'Margaret', 'O\'Brien', ['Maggie', 'Mags']), // former foster carer
      child('jiwoo', 'Ji-woo', 'Park'), // girlfriend, 17
      child('summer', 'Summer', 'Hayes'), // friend, 16
    ],
    notProposed: [
      { givenName: 'Jordan', familyName: 'Mensah' },
      { givenName: 'Claire', familyName: 'Holt' }, // personal adviser
      { givenName: 'Dean', familyName: 'Ward' }, // police sergeant
      { givenName: 'Abena', familyName: 'Osei' }, // housing officer
    ],
  },
};
