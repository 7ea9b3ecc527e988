// Sentences that each test one matching rule, with their own small cast.
// Mark-up: [[name|ids]], <<contribution|ids>>, ((false positive|note)). See build-corpus.js.

const child = (id, givenName, familyName, otherNames) => ({ id, kind: 'child', givenName, familyName, ...(otherNames ? { otherNames } : {}) });
const third = (id, givenName, familyName, otherNames) => ({ id, kind: 'third-party', givenName, familyName, ...(otherNames ? { otherNames } : {}) });

const ann = [third('ann', 'Ann', 'Lee')];
const jamie = [child('jamie', 'Jamie', 'Rowe')];
const sarah = [third('sarah', 'Sarah', 'Rowe')];
const zoe = [child('zoe', 'Zoë', 'Smith-Jones')];
const zoePlain = [child('zoe', 'Zoe', 'Hart')];
const sian = [third('sian', 'Siân', 'Evans')];
const j = [third('j', 'J', 'Okoro')];
const ilayda = [child('ilayda', 'İlayda', 'Yılmaz')];
const jurgen = [third('jurgen', 'Jürgen', 'Weiß')];
const sion = [child('sion', 'Siôn', 'ap Dafydd')];
const niamh = [third('niamh', 'Niamh', 'Ní Bhriain')];
const maryAnn = [third('maryann', 'Mary Ann', 'Cole')];
const kai = [child('kai', 'Kai', 'O’Neill')];
const pieter = [third('pieter', 'Pieter', 'van der Berg')];
const mark = [third('mark', 'Mark', 'Hill')];
const grace = [third('grace', 'Grace', 'Okafor')];
const will = [child('will', 'Will', 'Barker')];
const dmitri = [third('dmitri', 'Дмитрий', 'Иванов')];
const dsouza = [third('dsouza', 'Anita', 'D’Souza')];
const rowes = [third('sarah', 'Sarah', 'Rowe'), third('mark', 'Mark', 'Rowe'), child('jamie', 'Jamie', 'Rowe')];
const hope = [child('hope', 'Hope', 'Brennan'), third('may', 'May', 'Brennan')];

export const edgeItems = [
  // Word boundaries
  { people: ann, text: `Annual review: Joanne, Annette and Anne attended; [[Ann|ann]] sent apologies.` },
  { people: ann, text: `The planning meeting was held on Annfield Road; [[ANN LEE|ann]] attended.` },
  { people: jamie, text: `Rowena from the school office rang about [[Jamie Rowe|jamie]].` },
  { people: jamie, text: `[[Jamie|jamie]]’s coat was left at the Rowena Street youth centre.` },
  { people: jamie, text: `J.R. and Z.S.J. were present; no other names are recorded.` },
  { people: mark, text: `The marker pen and the Marksman Road address belong to the school, not to [[Mark|mark]].` },
  { people: mark, text: `Hillside Academy is not connected to [[Mr Hill|mark]].` },
  // Case, accents and normalisation
  { people: zoe, text: `[[Zoe\u0308|zoe]] and [[ZOË|zoe]] and [[zoe|zoe]] were all written in the same referral.` },
  { people: zoePlain, text: `The referral spells her name [[Zoë Hart|zoe]], with the diaeresis.` },
  { people: sian, text: `[[Sian Evans|sian]] and [[Siân|sian]] are the same person; [[SIAN|sian]] is her usual signature.` },
  { people: ilayda, text: `[[ILAYDA YILMAZ|ilayda]], [[Ilayda Yilmaz|ilayda]] and [[İlayda|ilayda]] all appear on the school list.` },
  { people: jurgen, text: `[[Jurgen Weiss|jurgen]] (foster grandfather) and [[Mr Weiß|jurgen]] are the same man.` },
  { people: dmitri, text: `An interpreter was booked for [[Дмитрий Иванов|dmitri]] (Russian).` },
  // Particles, hyphens and apostrophes
  { people: sion, text: `Messages from [[Sion ap Dafydd|sion]] were shown to police; his family name is [[ap Dafydd|sion]], often shortened to [[Dafydd|sion]].` },
  { people: niamh, text: `[[Niamh Ní Bhriain|niamh]] (family friend) said <<the boys were collected at six|niamh>>.` },
  { people: niamh, text: `[[Ms Ni Bhriain|niamh]] has known the family for ten years.` },
  { people: maryAnn, text: `[[Mary-Ann Cole|maryann]], also written [[Mary Ann|maryann]] or just [[Mary|maryann]], is the children’s great-aunt.` },
  { people: kai, text: `[[O’Neill|kai]], [[O'Neill|kai]], [[ONeill|kai]] and [[O Neill|kai]] all appear in the police log.` },
  { people: kai, text: `[[Kai O’Neill|kai]]’s bike was found by the canal.` },
  { people: pieter, text: `[[Van Der Berg|pieter]], [[VANDERBERG|pieter]] and [[Vanderberg|pieter]] are all used for the same neighbour.` },
  { people: zoe, text: `[[Mrs Smith-Jones|zoe]] is not known; the school uses [[Smith|zoe]] and sometimes [[Jones|zoe]].` },
  { people: zoe, text: `[[Zoë Smith–Jones|zoe]] (with an en dash) and [[Zoë Smith-
Jones|zoe]] (split at the line end).` },
  { people: dsouza, text: `[[Anita D’Souza|dsouza]] and [[Mrs D'Souza|dsouza]] and [[DSouza|dsouza]] and [[D Souza|dsouza]].` },
  // Titles, initials and very short names
  { people: sarah, text: `The referral names her as [[Mrs Rowe|sarah]], [[Ms. Rowe|sarah]], [[Miss Rowe|sarah]] and [[Dr Rowe|sarah]].` },
  { people: sarah, text: `[[Mrs\u00a0Rowe|sarah]] and [[Mx Rowe|sarah]] were both recorded by the out-of-hours team.` },
  { people: j, text: `[[J Okoro|j]] (uncle) said <<he would collect the boys|j>>. J.O. and J.R. are initials used for other children.` },
  { people: j, text: `[[J|j]] did not attend.` },
  { people: j, text: `Initials only: J.K.O. was present at the meeting.` },
  // Possessives, plurals and lower-case everyday-word names
  { people: rowes, text: `The [[Rowe|sarah,mark,jamie]]s were both at the meeting; [[Sarah|sarah]]’s car was parked outside.` },
  { people: grace, text: `Tyler went to the cinema with [[grace|grace|lowercase]] on Saturday.` },
  { people: grace, text: `[[grace|grace]]’s husband answered the door.` },
  { people: grace, text: `[[grace okafor|grace]] confirmed <<the arrangements by text|grace>>.` },
  { people: will, text: `[[will|will|lowercase]] and Tyler shared a room until June.` },
  { people: will, text: `[[will|will]]’s bike is in the shed; it will be fixed next week.` },
  { people: will, text: `[[Will Barker|will]] will move on Friday; [[Will|will]] is excited.` },
  { people: hope, text: `We hope [[Hope|hope]] will see her aunt [[May|may]] in ((May|month)), though the date may change.` },
  { people: hope, text: `[[May Brennan|may]] said that <<[[Hope|hope]] may stay over at Easter|may>>.` },
  { people: hope, text: `[[may|may]] said <<she hopes to visit more often|may>>.` },
  // Position, punctuation and line breaks
  { people: sarah, text: `[[Sarah|sarah]]` },
  { people: sarah, text: `[[Sarah|sarah]]: seen at home. Concerns discussed with [[Sarah|sarah]]` },
  { people: sarah, text: `“[[Sarah|sarah]]!” Tyler shouted, and ran to the door – “[[Sarah|sarah]]?”` },
  { people: sarah, text: `[[ROWE|sarah]], [[Sarah|sarah]] (DOB withheld) – mother.` },
  { people: zoe, text: `[[Zoë\r\nSmith-Jones|zoe]] was added to the plan.` },
  { people: sarah, text: `[[Sarah|sarah]] texted “<<see you Saturday 😍❤️|sarah>>” to Tyler.` },
  { people: sarah, text: `😊 [[Sarah|sarah]] replied with a thumbs up 👍.` },
  { people: sarah, text: `Family time notes:\n\n[[Sarah|sarah]] said <<she was proud of him|sarah>>\n\nTyler said little.` },
  { people: sarah, text: `[[Sarah|sarah]] said:\n“<<I’m not having him back. Not after last time.|sarah>>”` },
  { people: sarah, text: `Email: [[sarah|sarah]].[[rowe|sarah]]@example.com; Instagram: [[SarahRowe|sarah]]85.` },
]
