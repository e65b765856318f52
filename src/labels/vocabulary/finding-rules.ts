/**
 * What free-text chest X-ray reports say, mapped to the MeSH annotation an OpenI indexer assigns. Each rule is a
 * radiologist's phrasing (lower case; `\b` word edges; `unknownword` stands for a redacted word), not a pattern
 * fitted to particular reports. Anatomy headings carry their first qualifier (`Lung/hypoinflation`), as the MeSH
 * annotations do. A rule names what the report says: an "enlarged cardiac silhouette" is the Cardiac Shadow
 * enlarged, "cardiomegaly" is Cardiomegaly; a "nodular opacity" is an opacity (round), a "calcified nodule" a nodule
 * that is calcified.
 */
export interface FindingRule {
  /** The MeSH heading, with a fixed first qualifier for anatomy headings. */
  mesh: string;
  patterns: RegExp[];
}

const w = (source: string) => new RegExp(`\\b(?:${source})`, 'g');

/** Copulas and adverbs between a structure and what is said of it ("the aorta is again mildly tortuous"). */
const IS =
  '(?:(?:is|are|appears?|remains?|seems?|again|now|still|also|stable|unchanged|persistently|persistent|somewhat|mildly|moderately|markedly|slightly|minimally|severely|very|borderline|diffusely|heavily|densely|significantly|relatively|overall|unknownword)\\s+){0,4}';
/** Words of one noun phrase between a modifier and its noun ("calcified left lower lobe 5 mm granuloma"). */
const PHRASE = '(?:[\\w-]+ ){0,5}?';
/** Words a device's fracture is said of: a broken lead or wire is not a bone fracture. */
const DEVICE_WORDS = '(?:catheter|lead|leads|wire|wires|screw|screws|hardware|unknownword|tubing|sternotomy)';
const TORTUOUS = '(?:tortuous|tortuosity|torturous|unfold(?:ed|ing)|ectatic|ectasia|dilated|dilatation|elongated)';

export const FINDING_RULES: FindingRule[] = [
  {
    mesh: 'Cardiomegaly',
    patterns: [
      w('cardiomegaly'),
      w(`(?:heart|cardiac size|heart size|cardiac shadow)(?: size)? ${IS}(?:enlarged|increased|prominent|large)`),
      w('enlarged (?:heart|cardiac size)(?! silhouette)'),
      w('cardiac enlargement'),
      w('enlargement of the (?:heart|cardiac size)(?! silhouette)'),
    ],
  },
  {
    mesh: 'Cardiac Shadow/enlarged',
    patterns: [
      w(
        `(?:cardiac|cardiomediastinal|heart|cardiopericardial) (?:silhouette|contours?)(?: size)? ${IS}(?:enlarged|increased|prominent|large)`,
      ),
      w(`(?:enlarged|large|prominent) (?:cardiac|cardiomediastinal|heart|cardiopericardial) (?:silhouette|contour)`),
      w(`enlargement (?:of )?(?:the )?(?:cardiac|cardiomediastinal|heart) silhouette`),
      w('increase in (?:the )?size of the cardiac silhouette'),
    ],
  },
  {
    mesh: 'Heart Atria/enlarged',
    patterns: [w('atrial (?:enlargement|prominence|convexity)'), w('enlarged (?:right |left )?atri')],
  },
  {
    mesh: 'Heart/obscured',
    patterns: [
      w('obscur\\w* (?:of )?(?:the )?(?:right |left )?heart (?:border|unknownword|margin)'),
      w('heart (?:border|margin) (?:is |are )?obscured'),
    ],
  },
  {
    mesh: 'Pleural Effusion',
    patterns: [
      w(
        '(?<!pericardial |joint |knee |elbow |shoulder |hip |ankle |pericardial fluid or |pericardial and )(?:pleural )?effusions?\\b',
      ),
      w('pleural fluid'),
      w('fluid (?:in|within) the (?:\\w+ )?(?:pleural space|fissures?)'),
    ],
  },
  { mesh: 'Pericardial Effusion', patterns: [w('pericardial (?:effusion|fluid)')] },
  {
    mesh: 'Pneumothorax',
    patterns: [
      w('pneumothora(?:x|ces)'),
      w('pneumothoraxes'),
      w('pleural air(?: collection)?'),
      w('air (?:in|within) the pleural space'),
      w('(?:apical|pleural) (?:air|gas) collection'),
    ],
  },
  {
    mesh: 'Pulmonary Atelectasis',
    patterns: [
      w('atelecta(?:sis|ses|tic)'),
      w('(?:subsegmental|lobar|segmental|complete|partial) collapse'),
      w('collapse of the (?:\\w+ ){0,3}(?:lung|lobe|lingula)'),
      w('(?:lung|lobe) collapse'),
    ],
  },
  { mesh: 'Opacity', patterns: [w('opacit(?:y|ies)'), w('opacification'), w('opacified'), w('streakiness')] },
  { mesh: 'Airspace Disease', patterns: [w('air ?space disease'), w('alveolar disease')] },
  { mesh: 'Consolidation', patterns: [w('consolidat(?:ion|ions|ive|ed)')] },
  { mesh: 'Infiltrate', patterns: [w('infiltrat(?:e|es|ion|ive)')] },
  {
    mesh: 'Pneumonia',
    patterns: [w('pneumonias?'), w('bronchopneumonia'), w('pneumonitis'), w('(?:lung|pulmonary) infection')],
  },
  {
    mesh: 'Pneumonia, Aspiration',
    patterns: [w('aspiration pneumon(?:ia|itis)'), w('pneumonia (?:due to|from|secondary to) aspiration')],
  },
  { mesh: 'Pneumonia, Viral', patterns: [w('viral pneumon(?:ia|itis)')] },
  { mesh: 'Pneumonia, Bacterial', patterns: [w('bacterial pneumonia')] },
  { mesh: 'Pneumonia, Pneumocystis', patterns: [w('pneumocystis'), w('pcp pneumonia'), w('pjp\\b')] },
  {
    mesh: 'COVID-19',
    patterns: [w('covid(?:-?19)?\\b'), w('sars-?cov-?2'), w('(?:novel )?coronavirus (?:disease|pneumonia|infection)')],
  },
  {
    mesh: 'Tuberculosis',
    patterns: [
      w('tuberculo(?:sis|us)'),
      w('(?<!positive |ppd |quantiferon )tb\\b(?! test| skin)'),
      w('mycobacteri(?:al|um)'),
      w('miliary (?:pattern|nodules|disease|tb|tuberculosis)'),
    ],
  },
  {
    mesh: 'Pulmonary Edema',
    patterns: [
      w(
        '(?<!soft tissue |laryngeal |subcutaneous |peripheral |extremity |chest wall |facial )(?:pulmonary |interstitial |alveolar |subpleural )?edema',
      ),
    ],
  },
  {
    mesh: 'Pulmonary Congestion',
    patterns: [
      w('(?:vascular |pulmonary |venous )?congestion'),
      w('cephalization'),
      w(
        `(?:pulmonary |lung |central |hilar |upper lobe )?(?:vascular|vasculature|vascularity|vessels?) ${IS}(?:prominen(?:t|ce)|engorged|increased|congested|accentuated)`,
      ),
      w(
        '(?:prominen(?:t|ce)|engorge\\w*|increased|accentuat\\w*) (?:of )?(?:the )?(?:central |pulmonary |lung |hilar |upper lobe )*(?:vascular|vasculature|vascularity|vessels?)(?! pedicle)',
      ),
      w('(?:vascular|venous) (?:prominence|engorgement|redistribution)'),
      w('pulmonary (?:unknownword|vessels|veins) (?:are )?engorged'),
      w('(?:pulmonary )?venous (?:hypertension|engorgement)'),
      w('indistinct (?:pulmonary )?vascular (?:margins|margination)'),
    ],
  },
  { mesh: 'Nodule', patterns: [w('nodules?\\b'), w('(?:fibro|reticulo)-?nodular')] },
  { mesh: 'Mass', patterns: [w('mass(?:es)?\\b(?! effect)'), w('mass-?like')] },
  {
    mesh: 'Calcified Granuloma',
    patterns: [
      w(`(?:calcified|calcific) ${PHRASE}(?:granulomas?|granulomata)`),
      w('granulomas?,? (?:which (?:is|are) )?calcified'),
    ],
  },
  {
    mesh: 'Granulomatous Disease',
    patterns: [
      w('granulomatous (?:disease|infection|process|changes?|exposure|sequela)'),
      w('(?:prior|old|healed|previous|remote) granulomatous'),
      w('sequela(?:e)? of (?:\\w+ )?granulomatous'),
      w('histoplasm\\w*'),
    ],
  },
  {
    mesh: 'Granuloma',
    patterns: [w(`(?<!calcified ${PHRASE}|calcific ${PHRASE})granulomas?\\b(?!,? (?:which (?:is|are) )?calcified)`)],
  },
  {
    mesh: 'Calcinosis',
    patterns: [
      w('(?<!atherosclerotic (?:\\w+ )?)calcifications?'),
      w(`(?:calcified|calcific) (?!${PHRASE}(?:granulom|aort))`),
      w(`(?:node|nodes|nodule|nodules|unknownword) ${IS}calcified`),
    ],
  },
  {
    mesh: 'Calcinosis/aorta',
    patterns: [
      w(
        `(?<!atherosclerotic (?:\\w+ )?)(?:calcified|calcific) (?:\\w+ ){0,3}?(?:thoracic |descending |ascending |transverse )?aort`,
      ),
      w(`(?:aorta|aortic (?:arch|knob|unknownword)) ${IS}(?:\\w+ (?:and |, ))?calcified`),
      w('(?<!atherosclerotic (?:\\w+ )?)calcifications? (?:of|in|within) the (?:\\w+ )?aort'),
      w('aortic (?:arch |knob )?calcifications?'),
    ],
  },
  { mesh: 'Cicatrix', patterns: [w('scar(?:s|ring|red)?\\b'), w('cicatri')] },
  {
    mesh: 'Markings',
    patterns: [
      w(
        `(?:increased|prominent|coarse|coarsened|accentuated|crowded|crowding of|prominence of the|chronic|irregular|thickened|reticular|diffusely increased) ${PHRASE}markings`,
      ),
      w(`markings ${IS}(?:increased|prominent|coarse|coarsened|accentuated|crowded)`),
      w('bronchovascular crowding'),
      w('crowding of (?:the )?bronchovascular'),
      w('crowded (?:\\w+ )?bronchovascular'),
      w('interstitial prominence'),
      w('prominen(?:t|ce of the) interstiti'),
    ],
  },
  { mesh: 'Density', patterns: [w('densit(?:y|ies)\\b')] },
  {
    mesh: 'Subcutaneous Emphysema',
    patterns: [w('subcutaneous (?:emphysema|air|gas)'), w('soft tissue (?:emphysema|air|gas)')],
  },
  {
    mesh: 'Bullous Emphysema',
    patterns: [w('bullous (?:emphysema|emphysematous|changes?|disease)'), w('bullae\\b'), w('bulla\\b')],
  },
  { mesh: 'Emphysema', patterns: [w('(?<!subcutaneous |soft tissue |bullous )emphysema(?:tous)?')] },
  {
    mesh: 'Pulmonary Disease, Chronic Obstructive',
    patterns: [w('copd'), w('chronic obstructive'), w('obstructive (?:lung|pulmonary|airway) disease')],
  },
  {
    mesh: 'Lung/hyperdistention',
    patterns: [
      w('hyperinflat'),
      w('hyper ?expan'),
      w('hyperaerat'),
      w('over ?inflat'),
      w('over ?expan'),
      w('hyperdistend'),
      w('(?:large|increased|high) lung volumes'),
      w('lung volumes (?:are )?(?:large|increased|high)'),
      w('increased (?:ap|anteroposterior) (?:chest )?diameter'),
    ],
  },
  { mesh: 'Lung, Hyperlucent', patterns: [w('hyperlucen')] },
  {
    mesh: 'Lung/hypoinflation',
    patterns: [
      w('low(?:er)? (?:lung )?volumes?'),
      w('low (?:lung )?(?:lines|volume lungs?)'),
      w('low volume'),
      w('hypoinflat'),
      w('hypoexpan'),
      w('hypoventilat'),
      w('under ?(?:expan|inflat|aerat)'),
      w('(?:diminished|decreased|decreasing|reduced|lower) (?:lung )?volumes'),
      w('(?:shallow|poor|suboptimal) inspiration'),
      w(`(?:lungs?|lung volumes) ${IS}(?:low|hypoinflated|reduced|decreased|diminished|on the low side)`),
    ],
  },
  { mesh: 'Lung/azygos lobe', patterns: [w('azygo(?:s|us) (?:lobe|fissure|pseudofissure)')] },
  {
    mesh: 'Lung/hilum',
    patterns: [
      w(`(?:hilar|hila|hilum|perihilar) ${IS}(?:prominence|fullness|enlargement|adenopathy|lymphadenopathy)`),
      w(`(?:prominent|enlarged|full|bulky) (?:right |left |bilateral )?(?:hilar|hila|hilum)`),
      w(`(?:prominence|fullness|enlargement) (?:of )?(?:the )?(?:right |left |bilateral |both )?(?:hilar|hila|hilum)`),
      w(`(?:hilar|hila|hilum)(?: contours?| regions?)? ${IS}(?:prominent|enlarged|full|bulky)`),
    ],
  },
  {
    mesh: 'Thoracic Vertebrae/degenerative',
    patterns: [
      w(
        `degenerat\\w* (?:\\w+ ){0,4}(?:of|in|within|involving|throughout|along|to|and) (?:the )?(?:visualized |visualised |mid |lower |upper |midlower |mid/lower |mid and lower |lower |superior )?(?:portions? of the )?(?:thoracic|thoracolumbar|midthoracic|t-?) ?spine`,
      ),
      w('(?:thoracic|thoracolumbar|midthoracic|t-) ?spine (?:\\w+ ){0,3}degenerat'),
      w('(?:thoracic|midthoracic|t-spine) degenerative'),
      w('degenerat\\w* (?:\\w+ ){0,3}(?:kyphotic |midthoracic |lower |upper )?thoracic spine'),
      w(
        '(?:multilevel |midthoracic )?degenerative (?:disc|disk|joint|endplate)? ?(?:disease|changes?) (?:of|in) the thoracic',
      ),
      w('degenerat\\w* (?:\\w+ ){0,3}(?:at|about) the thoracolumbar junction'),
    ],
  },
  {
    mesh: 'Lumbar Vertebrae/degenerative',
    patterns: [
      w(
        'degenerat\\w* (?:\\w+ ){0,4}(?:of|in|within|involving|throughout|at|about) (?:the )?(?:visualized )?(?:portions? of the )?(?:thoracolumbar|lumbar|upper lumbar) (?:spine|junction)',
      ),
      w('(?:thoracolumbar|lumbar) spine (?:\\w+ ){0,3}degenerat'),
    ],
  },
  {
    mesh: 'Spine/degenerative',
    patterns: [
      w(
        'degenerat\\w* (?:\\w+ ){0,3}(?:of|in|within|involving|throughout|along) the (?:spine|vertebra|vertebrae|visualized spine|osseous|spinal column)',
      ),
      w('degenerative (?:disc|disk) (?:disease|changes?)(?! (?:of|in) the (?:thoracic|thoracolumbar|lumbar|cervical))'),
      w('(?:spine|spinal|vertebral)(?! fusion)[\\w ]{0,20} degenerat'),
      w(
        'degenerative (?:changes?|disease) (?:are |is )?(?:present|noted|seen)(?! (?:in|of|within) the (?:thoracic|shoulder|acromio|right|left|ac|glenohumeral))',
      ),
      w(
        '(?<!(?:shoulder|shoulders|joint|joints|ac|acromioclavicular|glenohumeral|knee|hip|bilateral) (?:\\w+ )?)degenerative changes?(?= ?\\.?$)',
      ),
    ],
  },
  {
    mesh: 'Shoulder/degenerative',
    patterns: [
      w(
        'degenerat\\w* (?:\\w+ ){0,3}(?:of|in|within|involving) (?:the |both )?(?:right |left |bilateral )?(?:shoulders?|acromioclavicular|ac joints?|glenohumeral)',
      ),
      w('(?:shoulder|acromioclavicular|ac joint|glenohumeral)s? (?:joints? )?(?:\\w+ ){0,2}degenerat'),
      w('(?:glenohumeral|acromioclavicular|ac joint) (?:osteo)?arthr'),
    ],
  },
  { mesh: 'Spondylosis', patterns: [w('spondylos[ie]s'), w('spondylitic')] },
  { mesh: 'Osteophyte', patterns: [w('osteophyt'), w('spurring'), w('spurs?\\b')] },
  {
    mesh: 'Hyperostosis, Diffuse Idiopathic Skeletal',
    patterns: [w('dish\\b'), w('diffuse idiopathic skeletal hyperostosis')],
  },
  {
    mesh: 'Scoliosis',
    patterns: [
      w('scolio'),
      w('(?:dextro|levo)-?convex'),
      w('(?:dextro|levo)-?scolio'),
      w('(?:dextro|levo) ?-?curvature'),
      w('(?:rightward|leftward|s-shaped|lateral|spine|spinal) (?:\\w+ )?curvature'),
      w('(?<!kyphotic |kyphosis |lordotic )curvature of the (?:\\w+ ){0,2}spine'),
    ],
  },
  { mesh: 'Kyphosis', patterns: [w('kyphosis'), w('kyphotic')] },
  {
    mesh: 'Fractures, Bone',
    patterns: [
      w(
        `(?<!${DEVICE_WORDS} (?:\\w+ )?)fractur(?:e|es|ed)(?!(?: of the)?(?: (?!with\\b|and\\b)[\\w-]+){0,3} ${DEVICE_WORDS})`,
      ),
      w('compression deformit'),
    ],
  },
  {
    mesh: 'Deformity',
    patterns: [
      w('(?<!compression )deformit(?:y|ies)'),
      w('deformed'),
      w('wedg(?:e|ed|ing)\\b'),
      w('loss of (?:vertebral )?(?:body )?height'),
      w('(?:contour|cortical|corticated) (?:irregularit(?:y|ies)|abnormalit(?:y|ies))'),
      w('(?:hilar|pleural) retraction'),
      w('retraction of the (?:\\w+ )?hil'),
      w('distortion of the'),
    ],
  },
  {
    mesh: 'Aorta, Thoracic/tortuous',
    patterns: [
      w(
        `${TORTUOUS}(?:,? (?:and |or |\\/ ?)?\\w+)? (?:and \\w+ )?(?:of )?(?:the )?(?:descending |ascending )?thoracic aorta`,
      ),
      w(`thoracic aorta ${IS}(?:\\w+ (?:and |, ))?${TORTUOUS}`),
      w(`${TORTUOUS} (?:\\w+ ){0,3}(?:of )?the (?:descending |ascending )?thoracic aorta`),
      w(`${TORTUOUS} (?:\\w+ )?thoracic aorta`),
    ],
  },
  {
    mesh: 'Aorta/tortuous',
    patterns: [
      w(
        `${TORTUOUS}(?:,? (?:and |or |\\/ ?)?\\w+){0,2} (?:and \\w+ )?(?:(?:of|to) )?(?:the )?(?:descending |ascending |transverse |abdominal )?aort(?:a|ic)(?! valve)`,
      ),
      w(`(?<!thoracic )aorta ${IS}(?:\\w+ (?:and |, ))?(?:\\w+ (?:and |, ))?${TORTUOUS}`),
      w(`${TORTUOUS} (?:\\w+ ){0,3}(?:of )?the (?:descending |ascending |transverse )?aorta`),
      w(`aortic (?:\\w+ )?${TORTUOUS}`),
      w(`(?:aortic (?:arch|knob|unknownword)) ${IS}${TORTUOUS}`),
    ],
  },
  {
    mesh: 'Aorta/prominent',
    patterns: [
      w(`(?:prominent|enlarged) (?:ascending |descending |transverse )?aort(?:a|ic arch|ic knob)`),
      w(`aort(?:a|ic arch|ic knob) ${IS}(?:prominent|enlarged)`),
    ],
  },
  { mesh: 'Atherosclerosis', patterns: [w('atherosclero'), w('atheromatous')] },
  {
    mesh: 'Aortic Aneurysm',
    patterns: [
      w('aortic aneurysm'),
      w('aneurysm(?:al)? (?:dilatation )?of the (?:\\w+ )?aorta'),
      w('aortic dissection'),
    ],
  },
  {
    mesh: 'Catheters, Indwelling',
    patterns: [
      w('(?<!(?:enteric|suction|feeding|foley|urinary|pigtail|nasogastric|orogastric) (?:\\w+ )?)catheters?\\b'),
      w('picc\\b'),
      w('port-?a-?cath'),
      w('unknownword-a-unknownword'),
      w('(?:chest|power|mediport|venous|infusion|subcutaneous) port\\b'),
      w('portacath'),
      w('central (?:venous )?(?:line|catheter)'),
      w('(?:ij|jugular|subclavian) (?:venous )?(?:line|catheter)'),
      w('(?:dialysis|hemodialysis|swan-?ganz|pulmonary artery) catheter'),
      w('(?:tunneled|venous|central) (?:line|access)'),
      w('lines and tubes|tubes and lines'),
      w('(?:shunt|catheter) tubing'),
      w(
        '(?<!lead |leads |wire |wires |pacemaker |pacer |icd )tips? (?:\\w+ ){0,6}?(?:svc|superior vena cava|cavoatrial|cavo-atrial|caval[- ]?atrial|brachiocephalic)',
      ),
    ],
  },
  {
    mesh: 'Tube, Inserted',
    patterns: [
      w(
        '(?:endotracheal|nasogastric|orogastric|enteric|feeding|chest|tracheostomy|gastrostomy|et|ng|og|dobhoff|esophagogastric|gastric|suction|thoracostomy) (?:suction )?tubes?',
      ),
      w('tracheostomy\\b'),
      w('(?:ett|ngt|peg tube|pigtail (?:catheter|drain))\\b'),
      w('(?:chest|pleural|mediastinal) drains?\\b'),
      w('(?:enteric|suction|feeding|nasogastric|orogastric) (?:\\w+ )?catheter'),
      w('intubat'),
    ],
  },
  {
    mesh: 'Implanted Medical Device',
    patterns: [
      w('pacemaker'),
      w('pacer\\b'),
      w('a?icd\\b'),
      w('defibrillator'),
      w('(?:cardiac|implanted|implantable|cardiac rhythm|electronic) (?:\\w+ )?devices?'),
      w('loop recorder'),
      w('generator'),
      w('(?:pacing|pacer|pacemaker|icd) (?:wires?|leads?)'),
      w('(?:prosthetic|replacement|artificial|mechanical) (?:\\w+ )?valves?'),
      w('valve (?:replacement|prosthesis)'),
      w('(?:valvular|valve) prosthes'),
      w('(?:occluder|closure device)'),
      w('(?:shoulder|humeral|humerus) (?:head )?(?:prosthesis|arthroplasty|replacement)'),
      w('prosthetic (?:right |left )?(?:shoulder|humer)'),
      w('bone anchors?'),
      w('(?:spinal cord |nerve |vagal |vagus )?stimulator'),
    ],
  },
  {
    mesh: 'Medical Device',
    patterns: [
      w(
        '(?:external |cardiac |ekg |ecg )*(?:monitor(?:ing)?|telemetry|ecg|ekg) (?:leads?|wires?|electrodes?|device|pads?)',
      ),
      w('nipple markers?'),
      w('(?:defibrillator|defib) pads?'),
    ],
  },
  // Sternotomy wires are the mark of a past operation, not an instrument: OpenI's indexers leave them out (1 report in
  // 30 that names them without clips has Surgical Instruments), so no rule reads them.
  {
    mesh: 'Surgical Instruments',
    patterns: [
      w(
        '(?:surgical|vascular|cholecystectomy|mediastinal|axillary|neck|abdominal|embolization|aneurysm) (?:\\w+ )?clips?',
      ),
      w('clips?\\b'),
      w('(?:surgical )?staples'),
      w('surgical (?:hardware|material)'),
      w('cabg markers?'),
      w('embolization coils?'),
      w('coils?\\b'),
    ],
  },
  { mesh: 'Sutures', patterns: [w('(?<!sternotomy |sternal )sutures?\\b(?! line)'), w('suture (?:material|line)')] },
  { mesh: 'Stents', patterns: [w('stents?\\b')] },
  {
    mesh: 'Spinal Fusion',
    patterns: [
      w('(?:spinal|cervical|lumbar|thoracic|thoracolumbar) (?:spine )?fusion'),
      w('(?:spine|vertebral|vertebral body) fusion'),
      w('fusion (?:hardware|of (?:the )?(?:\\w+ ){0,3}(?:spine|vertebra|vertebrae|vertebral))'),
      w('(?:spinal|pedicle) (?:rods?|screws)'),
      w('(?:vertebral body )?stabilization'),
      w('vertebroplasty'),
      w('kyphoplasty'),
    ],
  },
  {
    mesh: 'Foreign Bodies',
    patterns: [
      w('foreign bod(?:y|ies)'),
      w('bullets?\\b'),
      w('(?:metallic|radiopaque) (?:fragments?|densit|foreign)'),
      w('shrapnel'),
      w('(?:nipple|umbilical|body) (?:ring|piercing|jewelry)s?'),
      w('piercings?'),
    ],
  },
  { mesh: 'Hernia, Hiatal', patterns: [w('hiatal hernia'), w('hiatus hernia')] },
  {
    mesh: 'Thickening',
    patterns: [
      w(
        '(?:pleural|apical|peribronchial|bronchial wall|bronchial|interstitial|fissural|paratracheal|pleural-parenchymal) thickening',
      ),
      w('thickening (?:of|in) the (?:\\w+ )?(?:pleura|fissures?|interstiti)'),
      w('apical (?:pleural )?capping'),
      w('peribronchial cuffing'),
      w('thickened (?:\\w+ )?(?:pleura|fissures?)'),
    ],
  },
  {
    mesh: 'Diaphragm/elevated',
    patterns: [
      w('elevat(?:ed|ion) (?:of )?(?:the )?(?:right |left |both )?(?:hemi)?diaphragms?'),
      w(`(?:hemi)?diaphragms? ${IS}elevat(?:ed|ion)`),
      w('(?:hemi)?diaphragm(?:atic)? elevation'),
      w('tenting of the (?:\\w+ ){0,2}(?:hemi)?diaphragm'),
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
  { mesh: 'Diaphragm/obscured', patterns: [w('obscur\\w* (?:of )?(?:the )?(?:right |left )?(?:hemi)?diaphragm')] },
  { mesh: 'Diaphragmatic Eventration', patterns: [w('eventration')] },
  {
    mesh: 'Technical Quality of Image Unsatisfactory',
    // What limits the image: its technique, the patient's position or motion. A chest film's routine caveat that it
    // is no bone study ("limited bone evaluation reveals no acute abnormality") says nothing of its quality, nor does
    // an apical lordotic projection alone: OpenI's indexers mark neither.
    patterns: [
      w('technically (?:limited|suboptimal)'),
      w(
        '(?:limited|suboptimal) (?!bone |bony |osseous )(?:\\w+ )?(?:exam|examination|study|evaluation|assessment|visualization|inspiration|film|radiograph)(?! reveals)',
      ),
      w('underpenetrat'),
      w('overpenetrat'),
      w('(?:patient |positional )?rotation'),
      w('(?<!(?:impacted|displaced|angulated) (?:and )?)rotated(?! (?:fracture|fragment))'),
      w('motion artifact'),
      w(
        '(?:exam|examination|study|evaluation|quality) (?:\\w+ )?(?:is |was )?(?:somewhat |slightly |markedly )?limited',
      ),
    ],
  },
  {
    mesh: 'Costophrenic Angle/blunted',
    patterns: [
      w('blunt(?:ing|ed) (?:of )?(?:the )?(?:\\w+ ){0,3}(?:costophrenic|cp|sulc)'),
      w(`(?:costophrenic|cp)(?: unknownword| angles?| sulc[iu]s?| recess(?:es)?)* ${IS}blunt`),
      w('(?:sulcus|sulci) (?:\\w+ )?blunting'),
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
    patterns: [w('arthriti'), w('arthropath'), w('(?<!glenohumeral |acromioclavicular )osteoarthr')],
  },
  { mesh: 'Lucency', patterns: [w('lucenc(?:y|ies)')] },
  { mesh: 'Volume Loss', patterns: [w('volume loss'), w('loss of (?:\\w+ )?volume')] },
  {
    mesh: 'Mediastinum/widened',
    patterns: [
      w('(?:widened|widening of the|prominen(?:t|ce of the)) (?:superior |upper )?mediast'),
      w(`mediastin\\w* (?:silhouette |contours? )?${IS}(?:widened|prominent)`),
      w('mediastinal (?:widening|prominence)'),
    ],
  },
  {
    mesh: 'Mediastinum/lymph nodes',
    patterns: [
      w('(?:mediastinal|subcarinal|paratracheal) (?:lymph)?adenopathy'),
      w('(?:mediastinal|subcarinal|paratracheal) lymph (?:nodes?|unknownword) (?:\\w+ ){0,2}(?:enlarged|prominent)'),
    ],
  },
  { mesh: 'Shift/mediastinum', patterns: [w('mediastinal shift'), w('shift of the (?:\\w+ )?mediastinum')] },
  {
    mesh: 'Pulmonary Artery/enlarged',
    patterns: [
      w('(?:enlarged|prominent|dilated|prominence of the) (?:central |main )?pulmonary arter'),
      w(`pulmonary arter(?:y|ies|ial) ${IS}(?:enlarged|prominent|enlargement)`),
      w('pulmonary arterial (?:enlargement|prominence)'),
    ],
  },
  { mesh: 'Hypertension, Pulmonary', patterns: [w('pulmonary (?:arterial |artery )?hypertension')] },
  {
    mesh: 'Heart Failure',
    patterns: [w('(?:congestive )?heart failure'), w('chf\\b'), w('(?:cardiac )?decompensation')],
  },
  { mesh: 'Epicardial Fat', patterns: [w('epicardial fat')] },
  { mesh: 'Nipple Shadow', patterns: [w('nipple shadows?'), w('nipple (?:silhouettes?|unknownword)')] },
  { mesh: 'Cysts', patterns: [w('cysts?\\b'), w('cystic(?! fibrosis)')] },
  { mesh: 'Cystic Fibrosis', patterns: [w('cystic fibrosis')] },
  { mesh: 'Bronchiectasis', patterns: [w('bronchiectasis'), w('bronchiectatic')] },
  {
    mesh: 'Lymphadenopathy',
    patterns: [
      w('(?<!hilar |mediastinal |subcarinal |paratracheal )(?:lymph)?adenopathy'),
      w('enlarged (?:\\w+ )?lymph nodes'),
    ],
  },
  {
    mesh: 'Cavitation',
    patterns: [
      w('cavitar(?:y|ies)'),
      w('cavitat(?:ion|ing|ed)'),
      w(
        '(?<!thoracic |abdominal |pleural |oral |nasal |chest |pericardial |peritoneal |body |glenoid |marrow )cavit(?:y|ies)',
      ),
    ],
  },
  { mesh: 'Sclerosis', patterns: [w('sclerotic'), w('sclerosis')] },
  { mesh: 'Breast Implants', patterns: [w('breast (?:implants?|prosthes[ie]s)')] },
  { mesh: 'Mastectomy', patterns: [w('mastectom(?:y|ies)')] },
  {
    mesh: 'Pneumoperitoneum',
    patterns: [w('pneumoperitoneum'), w('free (?:intraperitoneal |intra-abdominal |abdominal )?air')],
  },
  { mesh: 'Sarcoidosis', patterns: [w('sarcoid(?:osis)?')] },
  { mesh: 'Pectus Carinatum', patterns: [w('pectus carinatum')] },
  { mesh: 'Funnel Chest', patterns: [w('pectus excavatum'), w('funnel chest')] },
  { mesh: 'Dislocations', patterns: [w('dislocat'), w('sublux')] },
  { mesh: 'Contrast Media', patterns: [w('contrast (?:material|media|agent)'), w('barium')] },
  { mesh: 'Pneumonectomy', patterns: [w('pneumonectomy')] },
];

/** Lines, tubes and devices: where a device's tip lies is not the side it is on. */
export const DEVICE_HEADINGS = new Set([
  'Catheters, Indwelling',
  'Tube, Inserted',
  'Implanted Medical Device',
  'Medical Device',
  'Stents',
]);

/** Midline or whole-organ findings: a side word near them belongs to a neighbouring finding. */
export const UNSIDED_HEADINGS = new Set([
  'Cardiomegaly',
  'Cardiac Shadow/enlarged',
  'Hernia, Hiatal',
  'Heart Failure',
  'Pulmonary Disease, Chronic Obstructive',
  'Hypertension, Pulmonary',
  'Technical Quality of Image Unsatisfactory',
  'Kyphosis',
]);
