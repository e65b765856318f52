import { LOCATIONS } from './qualifiers.js';

/**
 * Words of reports and queries that are not concepts but are spelled right: typo correction leaves them alone
 * ("interval" is not a slip for "internal", "lateral" not for "bilateral").
 */
const WORDS = `
left right bilateral both bibasilar bibasal biapical unilateral sided side
upper middle lower lobe lobes lingula lingular base bases basilar basal apex apices apical hilum hila hilar perihilar
retrocardiac zone zones costophrenic cardiophrenic angle angles paratracheal subpulmonic lateral medial superior
inferior anterior posterior peripheral central diffuse focal multifocal patchy streaky subtle scattered
borderline mild mildly minimal slight slightly minor trace small tiny moderate moderately large extensive severe
severely marked markedly massive
interval increase increased increasing decrease decreased change changes changed improved improving worse worsening
new stable unchanged residual prior previous compared since chronic acute old healed recent possible probable
probably likely status post evidence multiple several there which without absent negative present
placement position positioned terminates terminating tip projecting projects overlying region level
image images view views frontal portable supine upright erect film films chest study studies patient patients
dual chamber single lead leads wire wires tube tubes line lines device devices
show shows showing find cases where with from between about other please search
normal abnormal finding findings process processes abnormality abnormalities disease pathology
cardiopulmonary intrathoracic active significant radiographic limits within clear unremarkable exam examination
radiograph cxr xray nothing detected seen rule out
`;

export const COMMON_WORDS: ReadonlySet<string> = new Set([
  ...WORDS.split(/\s+/).filter((w) => w.length > 0),
  ...[...LOCATIONS].flatMap((l) => l.split(/[^a-z]+/)).filter((w) => w.length > 0),
]);
