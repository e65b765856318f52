/**
 * What free-text chest X-ray reports say, mapped to the MeSH annotation an OpenI indexer assigns. Each rule is a
 * radiologist's phrasing (lower case; `\b` word edges), not a pattern fitted to particular reports. Anatomy
 * headings carry their first qualifier (`Lung/hypoinflation`), as the MeSH annotations do.
 */
export interface FindingRule {
  /** The MeSH heading, with a fixed first qualifier for anatomy headings. */
  mesh: string;
  patterns: RegExp[];
}

const w = (source: string) => new RegExp(`\\b(?:${source})`, 'g');

export const FINDING_RULES: FindingRule[] = [
  {
    mesh: 'Cardiomegaly',
    patterns: [
      w('cardiomegaly'),
      w(
        '(?:heart|cardiac silhouette|cardiac shadow|heart size|cardiomediastinal silhouette)(?: size)? (?:is |are |appears |remains |is mildly |is moderately |is markedly |is again )*(?:mildly |moderately |markedly |slightly |borderline |severely )?(?:enlarged|increased|prominent)',
      ),
      w('enlarged (?:heart|cardiac silhouette)'),
      w('cardiac enlargement'),
      w('enlargement of the (?:heart|cardiac silhouette)'),
    ],
  },
  { mesh: 'Pleural Effusion', patterns: [w('(?:pleural )?effusions?\\b'), w('pleural fluid')] },
  { mesh: 'Pneumothorax', patterns: [w('pneumothora(?:x|ces)'), w('pneumothoraxes')] },
  { mesh: 'Pulmonary Atelectasis', patterns: [w('atelecta(?:sis|ses|tic)'), w('subsegmental collapse')] },
  { mesh: 'Opacity', patterns: [w('opacit(?:y|ies)'), w('opacification'), w('opacified')] },
  { mesh: 'Airspace Disease', patterns: [w('air ?space disease'), w('alveolar disease')] },
  { mesh: 'Consolidation', patterns: [w('consolidat(?:ion|ions|ive|ed)')] },
  { mesh: 'Infiltrate', patterns: [w('infiltrat(?:e|es|ion|ive)')] },
  { mesh: 'Pneumonia', patterns: [w('pneumonias?'), w('bronchopneumonia')] },
  { mesh: 'Pulmonary Edema', patterns: [w('(?:pulmonary |interstitial |alveolar )?edema')] },
  { mesh: 'Pulmonary Congestion', patterns: [w('(?:vascular |pulmonary |venous )?congestion'), w('cephalization')] },
  { mesh: 'Nodule', patterns: [w('nodules?\\b'), w('nodular (?:opacit|densit)')] },
  { mesh: 'Mass', patterns: [w('mass(?:es)?\\b(?! effect)')] },
  {
    mesh: 'Calcified Granuloma',
    patterns: [
      w('calcified (?:\\w+ ){0,2}(?:granulomas?|granulomata)'),
      w('calcified (?:\\w+ )?nodules?'),
      w('granulomas?,? (?:which (?:is|are) )?calcified'),
    ],
  },
  {
    mesh: 'Granulomatous Disease',
    patterns: [w('granulomatous (?:disease|infection|process|change)'), w('(?:prior|old|healed) granulomatous')],
  },
  {
    mesh: 'Granuloma',
    patterns: [w('(?<!calcified (?:\\w+ ){0,2})granulomas?\\b(?!,? (?:which (?:is|are) )?calcified)')],
  },
  {
    mesh: 'Calcinosis',
    patterns: [
      w('(?<!atherosclerotic (?:\\w+ )?)calcifications?'),
      w('calcified (?!(?:\\w+ ){0,2}granulom|(?:\\w+ )?nodul)'),
    ],
  },
  { mesh: 'Cicatrix', patterns: [w('scar(?:s|ring|red)?\\b'), w('cicatri')] },
  {
    mesh: 'Markings',
    patterns: [
      w('(?:interstitial|bronchovascular|lung|pulmonary|reticular|vascular) markings'),
      w('markings are (?:increased|prominent|coarse)'),
      w('bronchovascular crowding'),
      w('crowding of (?:the )?bronchovascular'),
      w('interstitial prominence'),
      w('prominen(?:t|ce of the) interstiti'),
    ],
  },
  { mesh: 'Density', patterns: [w('densit(?:y|ies)\\b')] },
  {
    mesh: 'Subcutaneous Emphysema',
    patterns: [w('subcutaneous (?:emphysema|air|gas)'), w('soft tissue (?:emphysema|air)')],
  },
  { mesh: 'Emphysema', patterns: [w('(?<!subcutaneous |soft tissue )emphysema(?:tous)?')] },
  { mesh: 'Pulmonary Disease, Chronic Obstructive', patterns: [w('copd'), w('chronic obstructive')] },
  {
    mesh: 'Lung/hyperdistention',
    patterns: [
      w('hyperinflat'),
      w('hyperexpan'),
      w('hyperaerat'),
      w('hyperlucen'),
      w('overinflat'),
      w('hyperdistend'),
      w('flattened (?:hemi)?diaphragms?'),
      w('flattening of the (?:hemi)?diaphragms?'),
    ],
  },
  {
    mesh: 'Lung/hypoinflation',
    patterns: [
      w('low lung volumes?'),
      w('hypoinflat'),
      w('hypoexpan'),
      w('(?:diminished|decreased|reduced|low) (?:lung )?volumes'),
      w('(?:shallow|poor) inspiration'),
      w('(?:lungs?|lung volumes) (?:are |is )?(?:low|hypoinflated)'),
    ],
  },
  {
    mesh: 'Thoracic Vertebrae/degenerative',
    patterns: [
      w('degenerative (?:\\w+ ){0,3}(?:of|in|within|involving|throughout) the (?:mid |lower |upper )?thoracic spine'),
      w('thoracic (?:spine )?(?:spondylosis|degenerative)'),
      w('degenerative (?:disc|disk|joint)? ?(?:disease|changes?) (?:of|in) the thoracic'),
    ],
  },
  {
    mesh: 'Spine/degenerative',
    patterns: [
      w(
        'degenerative (?:\\w+ ){0,3}(?:of|in|within|involving|throughout) the (?:spine|vertebra|vertebrae|visualized spine|osseous)',
      ),
      w('degenerative (?:disc|disk) (?:disease|changes?)(?! (?:of|in) the thoracic)'),
      w('(?:spine|spinal|vertebral)[\\w ]{0,20} degenerative'),
      w('degenerative (?:changes?|disease) (?:are |is )?(?:present|noted|seen)'),
    ],
  },
  { mesh: 'Spondylosis', patterns: [w('spondylos[ie]s'), w('spondylitic')] },
  { mesh: 'Osteophyte', patterns: [w('osteophyt'), w('spurring'), w('spurs?\\b')] },
  { mesh: 'Scoliosis', patterns: [w('scolio'), w('(?:dextro|levo)convex'), w('(?:dextro|levo)scolio')] },
  { mesh: 'Kyphosis', patterns: [w('kyphosis'), w('kyphotic')] },
  { mesh: 'Fractures, Bone', patterns: [w('fractur(?:e|es|ed)')] },
  {
    mesh: 'Deformity',
    patterns: [
      w('deformit(?:y|ies)'),
      w('deformed'),
      w('wedg(?:e|ing)\\b'),
      w('loss of (?:vertebral )?(?:body )?height'),
    ],
  },
  {
    mesh: 'Aorta, Thoracic/tortuous',
    patterns: [
      w('tortuous(?:,? \\w+)? (?:and \\w+ )?thoracic aorta'),
      w('thoracic aorta (?:\\w+ ){0,3}tortu'),
      w('tortuosity (?:\\w+ ){0,3}(?:of )?the thoracic aorta'),
    ],
  },
  {
    mesh: 'Aorta/tortuous',
    patterns: [
      w('tortuous(?:,? \\w+)? (?:and \\w+ )?(?:descending |ascending )?aorta'),
      w('(?<!thoracic )aorta (?:\\w+ ){0,3}tortu'),
      w('tortuosity (?:\\w+ ){0,3}(?:of )?the (?:descending |ascending )?aorta'),
      w('aortic (?:\\w+ )?tortuosity'),
      w('aortic ectasia'),
    ],
  },
  { mesh: 'Atherosclerosis', patterns: [w('atherosclero'), w('atheromatous')] },
  {
    mesh: 'Aortic Aneurysm',
    patterns: [w('aortic aneurysm'), w('aneurysm(?:al)? (?:dilatation )?of the aorta'), w('aortic dissection')],
  },
  {
    mesh: 'Catheters, Indwelling',
    patterns: [
      w('catheters?\\b'),
      w('picc\\b'),
      w('port-?a-?cath'),
      w('(?:chest|power|mediport|venous) port\\b'),
      w('central line'),
      w('dialysis catheter'),
    ],
  },
  {
    mesh: 'Tube, Inserted',
    patterns: [w('(?:endotracheal|nasogastric|enteric|feeding|chest|tracheostomy|et|ng) tube')],
  },
  {
    mesh: 'Implanted Medical Device',
    patterns: [
      w('pacemaker'),
      w('pacer\\b'),
      w('a?icd\\b'),
      w('defibrillator'),
      w('(?:cardiac|implanted) device'),
      w('loop recorder'),
      w('generator'),
      w('stimulator'),
      w('(?:prosthetic|replacement|artificial) (?:\\w+ )?valve'),
      w('valve (?:replacement|prosthesis)'),
      w('occluder'),
      w('(?:shoulder|humeral) (?:prosthesis|arthroplasty)'),
    ],
  },
  {
    mesh: 'Surgical Instruments',
    patterns: [
      w('(?:surgical|vascular|cholecystectomy|mediastinal|axillary) clips?'),
      w('sternotomy (?:wires?|sutures?)'),
      w('(?:surgical )?staples'),
      w('surgical (?:hardware|material)'),
    ],
  },
  { mesh: 'Stents', patterns: [w('stents?\\b')] },
  {
    mesh: 'Spinal Fusion',
    patterns: [
      w('(?:spinal|cervical|lumbar|thoracic) fusion'),
      w('fusion hardware'),
      w('(?:spinal|pedicle) (?:rods?|screws)'),
    ],
  },
  {
    mesh: 'Foreign Bodies',
    patterns: [
      w('foreign bod(?:y|ies)'),
      w('bullets?\\b'),
      w('(?:metallic|radiopaque) (?:fragments?|densit)'),
      w('shrapnel'),
    ],
  },
  { mesh: 'Hernia, Hiatal', patterns: [w('hiatal hernia'), w('hiatus hernia')] },
  {
    mesh: 'Thickening',
    patterns: [
      w('(?:pleural|apical|peribronchial|bronchial wall) thickening'),
      w('thickening of the (?:pleura|fissure)'),
    ],
  },
  {
    mesh: 'Diaphragm/elevated',
    patterns: [
      w('elevat(?:ed|ion of the) (?:right |left )?(?:hemi)?diaphragm'),
      w('(?:hemi)?diaphragm (?:is |remains )?(?:mildly |slightly )?elevated'),
    ],
  },
  {
    mesh: 'Diaphragm/flattened',
    patterns: [
      w('flatten(?:ed|ing) (?:of )?(?:the )?(?:\\w+ )?(?:hemi)?diaphragm'),
      w('(?:hemi)?diaphragms? (?:\\w+ ){0,2}flatten'),
      w('diaphragm flattening'),
    ],
  },
  { mesh: 'Diaphragmatic Eventration', patterns: [w('eventration')] },
  {
    mesh: 'Technical Quality of Image Unsatisfactory',
    patterns: [
      w('technically (?:limited|suboptimal)'),
      w('(?:limited|suboptimal) (?:\\w+ )?(?:exam|examination|study|evaluation|assessment|visualization|inspiration)'),
      w('underpenetrat'),
      w('overpenetrat'),
      w('(?:patient |positional )?rotation'),
      w('rotated'),
      w('motion artifact'),
      w('(?:exam|study|evaluation) is limited'),
    ],
  },
  {
    mesh: 'Costophrenic Angle/blunted',
    patterns: [
      w('blunt(?:ing|ed) (?:of )?(?:the )?(?:\\w+ )?(?:costophrenic|cp)'),
      w('(?:costophrenic|cp) (?:angles?|sulc[iu]s?) (?:is |are )?blunt'),
    ],
  },
  { mesh: 'Pulmonary Fibrosis', patterns: [w('fibros[ie]s'), w('fibrotic')] },
  {
    mesh: 'Lung Diseases, Interstitial',
    patterns: [w('interstitial (?:lung )?disease'), w('interstitial (?:pattern|process)')],
  },
  { mesh: 'Bone Diseases, Metabolic', patterns: [w('osteopeni'), w('demineraliz'), w('osteoporo')] },
  {
    mesh: 'Arthritis',
    patterns: [w('arthriti'), w('arthropath'), w('(?:glenohumeral|acromioclavicular|ac) joint degenerat')],
  },
  { mesh: 'Lucency', patterns: [w('lucenc(?:y|ies)')] },
  { mesh: 'Volume Loss', patterns: [w('volume loss'), w('loss of volume')] },
  {
    mesh: 'Mediastinum/widened',
    patterns: [
      w('(?:widened|widening of the) mediast'),
      w('mediastin\\w+ (?:is |are |silhouette is |contours? (?:is|are) )?widened'),
    ],
  },
  {
    mesh: 'Pulmonary Artery/enlarged',
    patterns: [
      w('(?:enlarged|prominent|dilated) (?:central |main )?pulmonary arter'),
      w('pulmonary arter(?:y|ies) (?:are |is |appear )?(?:enlarged|prominent)'),
    ],
  },
  { mesh: 'Hypertension, Pulmonary', patterns: [w('pulmonary (?:arterial )?hypertension')] },
  { mesh: 'Heart Failure', patterns: [w('(?:congestive )?heart failure'), w('chf\\b')] },
  { mesh: 'Epicardial Fat', patterns: [w('epicardial fat')] },
  { mesh: 'Nipple Shadow', patterns: [w('nipple shadow')] },
  { mesh: 'Cysts', patterns: [w('cysts?\\b'), w('cystic')] },
  { mesh: 'Bronchiectasis', patterns: [w('bronchiectasis')] },
  { mesh: 'Lymphadenopathy', patterns: [w('lymphadenopathy'), w('adenopathy'), w('enlarged (?:\\w+ )?lymph nodes')] },
  { mesh: 'Cavitation', patterns: [w('cavitar'), w('cavitation'), w('cavity')] },
  { mesh: 'Sclerosis', patterns: [w('sclerotic'), w('sclerosis')] },
];
