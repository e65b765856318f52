/**
 * The radiology concepts cxr-search knows, whatever one index holds: every heading the report miner produces, the
 * ChestX-ray14 and CheXpert observation names, common chest infections, and lines and devices — each with the
 * words radiologists use for it. The query parser reads user text against this list; the miner's headings link
 * each concept to what the miner indexes (`heading`). Terms are written as a radiologist writes them; plurals,
 * British spellings and typos are handled where the terms are read (lexicon.ts), not listed here.
 */
export type ConceptKind = 'finding' | 'infection' | 'device' | 'normal';

export interface RadiologyConcept {
  /** Canonical name, lower case. */
  name: string;
  kind: ConceptKind;
  /** The report miner's MeSH heading for it (`finding-rules.ts`), which a mined index stores in lower case. */
  heading?: string;
  /** Names datasets give it (ChestX-ray14, CheXpert), lower case. */
  datasetNames?: string[];
  /** Other phrasings, abbreviations included. */
  terms?: string[];
  /** Concepts a radiologist would look at instead, when an index holds none of this one. */
  related?: string[];
  /** False for findings a side never applies to (the heart, the mediastinum, the spine, a tube in the trachea). */
  sided?: boolean;
}

const finding = (name: string, rest: Omit<RadiologyConcept, 'name' | 'kind'> = {}): RadiologyConcept => ({
  name,
  kind: 'finding',
  ...rest,
});
const infection = (name: string, rest: Omit<RadiologyConcept, 'name' | 'kind'> = {}): RadiologyConcept => ({
  name,
  kind: 'infection',
  ...rest,
});
const device = (name: string, rest: Omit<RadiologyConcept, 'name' | 'kind'> = {}): RadiologyConcept => ({
  name,
  kind: 'device',
  ...rest,
});

const CARDIAC = { sided: false } as const;

export const CONCEPTS: readonly RadiologyConcept[] = [
  { name: 'normal', kind: 'normal', heading: 'normal', datasetNames: ['no finding', 'normal'], sided: false },

  // Heart, mediastinum, vessels.
  finding('cardiomegaly', {
    heading: 'Cardiomegaly',
    datasetNames: ['cardiomegaly'],
    terms: [
      'enlarged heart',
      'cardiac enlargement',
      'heart enlargement',
      'enlarged cardiac silhouette',
      'heart size',
      'cmg',
    ],
    related: ['enlarged cardiomediastinum', 'pericardial effusion'],
    ...CARDIAC,
  }),
  finding('enlarged cardiomediastinum', {
    heading: 'Mediastinum/widened',
    datasetNames: ['enlarged cardiomediastinum'],
    terms: ['widened mediastinum', 'mediastinal widening', 'wide mediastinum', 'enlarged mediastinum'],
    related: ['cardiomegaly', 'aortic aneurysm', 'lymphadenopathy'],
    ...CARDIAC,
  }),
  finding('pericardial effusion', {
    heading: 'Pericardial Effusion',
    terms: ['pericardial fluid'],
    related: ['cardiomegaly'],
    ...CARDIAC,
  }),
  finding('heart failure', {
    heading: 'Heart Failure',
    terms: ['congestive heart failure', 'cardiac failure', 'chf'],
    related: ['edema', 'pulmonary congestion', 'cardiomegaly'],
    ...CARDIAC,
  }),
  finding('epicardial fat', { heading: 'Epicardial Fat', terms: ['epicardial fat pad', 'pericardial fat pad'] }),
  finding('tortuous aorta', {
    heading: 'Aorta/tortuous',
    terms: [
      'aortic tortuosity',
      'tortuosity of the aorta',
      'unfolded aorta',
      'unfolding of the aorta',
      'ectatic aorta',
    ],
    related: ['tortuous thoracic aorta', 'atherosclerosis'],
    ...CARDIAC,
  }),
  finding('tortuous thoracic aorta', {
    heading: 'Aorta, Thoracic/tortuous',
    terms: ['tortuosity of the thoracic aorta', 'tortuous descending aorta', 'tortuous descending thoracic aorta'],
    related: ['tortuous aorta', 'atherosclerosis'],
    ...CARDIAC,
  }),
  finding('atherosclerosis', {
    heading: 'Atherosclerosis',
    terms: [
      'atherosclerotic calcification',
      'aortic atherosclerosis',
      'atherosclerotic disease',
      'vascular calcification',
      'atheromatous',
    ],
    related: ['calcinosis', 'tortuous aorta'],
    ...CARDIAC,
  }),
  finding('aortic aneurysm', {
    heading: 'Aortic Aneurysm',
    terms: ['aneurysm', 'thoracic aortic aneurysm', 'aortic dilatation', 'aortic dilation', 'aortic dissection'],
    related: ['enlarged cardiomediastinum', 'tortuous aorta'],
    ...CARDIAC,
  }),
  finding('enlarged pulmonary artery', {
    heading: 'Pulmonary Artery/enlarged',
    terms: ['pulmonary artery enlargement', 'prominent pulmonary artery', 'dilated pulmonary artery'],
    related: ['pulmonary hypertension'],
  }),
  finding('pulmonary hypertension', {
    heading: 'Hypertension, Pulmonary',
    terms: ['pulmonary arterial hypertension'],
    related: ['enlarged pulmonary artery'],
    sided: false,
  }),
  finding('lymphadenopathy', {
    heading: 'Lymphadenopathy',
    terms: ['adenopathy', 'enlarged lymph nodes', 'lymph node enlargement', 'enlarged nodes'],
    related: ['enlarged cardiomediastinum', 'sarcoidosis', 'mass'],
  }),
  finding('sarcoidosis', {
    heading: 'Sarcoidosis',
    terms: ['sarcoid'],
    related: ['lymphadenopathy', 'interstitial lung disease'],
  }),
  finding('pneumomediastinum', { terms: ['mediastinal emphysema', 'mediastinal air'], ...CARDIAC }),

  // Pleura.
  finding('pleural effusion', {
    heading: 'Pleural Effusion',
    datasetNames: ['effusion', 'pleural effusion'],
    terms: ['effusion', 'pleural fluid', 'hydrothorax', 'parapneumonic effusion', 'eff'],
    related: ['pleural thickening', 'costophrenic angle blunting', 'empyema', 'hemothorax'],
  }),
  finding('pneumothorax', {
    heading: 'Pneumothorax',
    datasetNames: ['pneumothorax'],
    terms: ['pleural air', 'pleural air collection', 'ptx', 'pnx', 'hydropneumothorax'],
    related: ['subcutaneous emphysema', 'chest tube'],
  }),
  finding('pleural thickening', {
    heading: 'Thickening',
    datasetNames: ['pleural thickening', 'pleural_thickening'],
    terms: ['pleural scarring', 'apical cap', 'apical capping', 'pleural cap'],
    related: ['pleural plaque', 'scarring', 'pleural effusion'],
  }),
  finding('pleural plaque', {
    terms: ['calcified pleural plaque', 'asbestos plaque', 'asbestos related pleural disease'],
    related: ['pleural thickening', 'calcinosis'],
  }),
  finding('pleural other', {
    datasetNames: ['pleural other'],
    terms: ['pleural abnormality', 'pleural disease'],
    related: ['pleural thickening', 'pleural effusion'],
  }),
  finding('costophrenic angle blunting', {
    heading: 'Costophrenic Angle/blunted',
    terms: [
      'blunted costophrenic angle',
      'blunting of the costophrenic angle',
      'costophrenic blunting',
      'blunted cp angle',
    ],
    related: ['pleural effusion', 'pleural thickening'],
  }),
  finding('hemothorax', { terms: ['hemorrhagic effusion'], related: ['pleural effusion'] }),
  infection('empyema', { terms: ['pleural empyema', 'infected effusion'], related: ['pleural effusion', 'pneumonia'] }),

  // Lung parenchyma.
  finding('atelectasis', {
    heading: 'Pulmonary Atelectasis',
    datasetNames: ['atelectasis'],
    terms: [
      'atelectatic change',
      'subsegmental atelectasis',
      'discoid atelectasis',
      'plate atelectasis',
      'linear atelectasis',
      'collapse',
      'lung collapse',
      'lobar collapse',
      'atx',
    ],
    related: ['volume loss', 'lung opacity', 'consolidation'],
  }),
  finding('lung opacity', {
    heading: 'Opacity',
    datasetNames: ['lung opacity'],
    terms: ['opacity', 'opacification', 'airspace opacity', 'haziness', 'hazy opacity', 'shadowing'],
    related: ['consolidation', 'infiltration', 'airspace disease', 'atelectasis'],
  }),
  finding('airspace disease', {
    heading: 'Airspace Disease',
    terms: ['air space disease', 'alveolar disease', 'alveolar opacity'],
    related: ['consolidation', 'lung opacity', 'pneumonia'],
  }),
  finding('consolidation', {
    heading: 'Consolidation',
    datasetNames: ['consolidation'],
    terms: ['airspace consolidation', 'consolidative opacity', 'lobar consolidation'],
    related: ['pneumonia', 'lung opacity', 'airspace disease'],
  }),
  finding('infiltration', {
    heading: 'Infiltrate',
    datasetNames: ['infiltration'],
    terms: ['infiltrate', 'pulmonary infiltrate', 'infiltrative opacity'],
    related: ['consolidation', 'lung opacity', 'pneumonia'],
  }),
  finding('edema', {
    heading: 'Pulmonary Edema',
    datasetNames: ['edema'],
    terms: [
      'pulmonary edema',
      'interstitial edema',
      'alveolar edema',
      'fluid overload',
      'kerley lines',
      'kerley b lines',
    ],
    related: ['pulmonary congestion', 'heart failure', 'pleural effusion'],
  }),
  finding('pulmonary congestion', {
    heading: 'Pulmonary Congestion',
    terms: [
      'vascular congestion',
      'venous congestion',
      'pulmonary vascular congestion',
      'cephalization',
      'pulmonary venous hypertension',
    ],
    related: ['edema', 'heart failure'],
  }),
  finding('emphysema', {
    heading: 'Emphysema',
    datasetNames: ['emphysema'],
    terms: ['pulmonary emphysema', 'emphysematous change', 'centrilobular emphysema'],
    related: ['copd', 'hyperinflation', 'bulla'],
  }),
  finding('copd', {
    heading: 'Pulmonary Disease, Chronic Obstructive',
    terms: ['chronic obstructive pulmonary disease', 'chronic obstructive lung disease', 'coad', 'copd changes'],
    related: ['emphysema', 'hyperinflation'],
    sided: false,
  }),
  finding('hyperinflation', {
    heading: 'Lung/hyperdistention',
    terms: [
      'hyperinflated lungs',
      'hyperexpanded lungs',
      'hyperexpansion',
      'hyperaeration',
      'hyperaerated lungs',
      'overinflation',
      'hyperdistention',
      'hyperinflated',
      'hyperexpanded',
    ],
    related: ['emphysema', 'copd', 'flattened diaphragm'],
    sided: false,
  }),
  finding('hypoinflation', {
    heading: 'Lung/hypoinflation',
    terms: [
      'low lung volumes',
      'hypoinflated lungs',
      'poor inspiration',
      'shallow inspiration',
      'low volumes',
      'hypoventilation',
    ],
    related: ['atelectasis'],
    sided: false,
  }),
  finding('fibrosis', {
    heading: 'Pulmonary Fibrosis',
    datasetNames: ['fibrosis'],
    terms: ['pulmonary fibrosis', 'interstitial fibrosis', 'fibrotic change', 'honeycombing', 'honeycomb lung'],
    related: ['interstitial lung disease', 'scarring'],
  }),
  finding('interstitial lung disease', {
    heading: 'Lung Diseases, Interstitial',
    terms: ['interstitial disease', 'interstitial pattern', 'interstitial process', 'ild'],
    related: ['fibrosis', 'increased markings'],
  }),
  finding('increased markings', {
    heading: 'Markings',
    terms: [
      'interstitial markings',
      'bronchovascular markings',
      'lung markings',
      'pulmonary markings',
      'reticular markings',
      'vascular markings',
      'prominent markings',
      'coarse markings',
      'interstitial prominence',
      'vascular prominence',
      'reticular opacity',
    ],
    related: ['interstitial lung disease', 'pulmonary congestion'],
  }),
  finding('nodule', {
    heading: 'Nodule',
    datasetNames: ['nodule'],
    terms: [
      'pulmonary nodule',
      'lung nodule',
      'nodular opacity',
      'nodular density',
      'spn',
      'solitary pulmonary nodule',
    ],
    related: ['mass', 'calcified granuloma', 'lung lesion'],
  }),
  finding('mass', {
    heading: 'Mass',
    datasetNames: ['mass'],
    terms: ['lung mass', 'pulmonary mass', 'mass lesion'],
    related: ['nodule', 'lung lesion', 'lung cancer'],
  }),
  finding('lung lesion', {
    datasetNames: ['lung lesion'],
    terms: ['lesion', 'pulmonary lesion'],
    related: ['nodule', 'mass'],
  }),
  finding('lung cancer', {
    terms: ['tumor', 'neoplasm', 'malignancy', 'cancer', 'carcinoma', 'bronchogenic carcinoma'],
    related: ['mass', 'nodule', 'metastases'],
  }),
  finding('metastases', {
    terms: ['metastasis', 'metastatic disease', 'mets', 'cannonball metastases'],
    related: ['nodule', 'mass', 'lung cancer'],
  }),
  finding('calcified granuloma', {
    heading: 'Calcified Granuloma',
    terms: ['calcified nodule', 'granulomata'],
    related: ['granuloma', 'granulomatous disease', 'calcinosis', 'nodule'],
  }),
  finding('granuloma', { heading: 'Granuloma', related: ['calcified granuloma', 'granulomatous disease', 'nodule'] }),
  finding('granulomatous disease', {
    heading: 'Granulomatous Disease',
    terms: [
      'old granulomatous disease',
      'healed granulomatous disease',
      'prior granulomatous disease',
      'granulomatous infection',
    ],
    related: ['calcified granuloma', 'granuloma', 'tuberculosis'],
  }),
  finding('calcinosis', {
    heading: 'Calcinosis',
    terms: ['calcification', 'calcified', 'calcific density'],
    related: ['calcified granuloma', 'atherosclerosis'],
  }),
  finding('scarring', {
    heading: 'Cicatrix',
    terms: ['scar', 'cicatrix', 'fibrotic scarring', 'parenchymal scarring'],
    related: ['fibrosis', 'pleural thickening', 'atelectasis'],
  }),
  finding('density', { heading: 'Density', terms: ['dense area'], related: ['lung opacity', 'nodule'] }),
  finding('lucency', { heading: 'Lucency', terms: ['radiolucency', 'lucent area'], related: ['cyst', 'bulla'] }),
  finding('volume loss', {
    heading: 'Volume Loss',
    terms: ['loss of volume', 'volume reduction'],
    related: ['atelectasis'],
  }),
  finding('cyst', {
    heading: 'Cysts',
    terms: ['cystic lesion', 'cystic change', 'pneumatocele'],
    related: ['bulla', 'cavitation'],
  }),
  finding('bulla', { terms: ['bullae', 'bullous disease', 'bleb'], related: ['emphysema', 'cyst'] }),
  finding('bronchiectasis', {
    heading: 'Bronchiectasis',
    terms: ['bronchiectatic change'],
    related: ['bronchial wall thickening'],
  }),
  finding('bronchial wall thickening', {
    terms: [
      'peribronchial thickening',
      'peribronchial cuffing',
      'bronchial cuffing',
      'airway thickening',
      'bronchitic change',
    ],
    related: ['bronchitis', 'bronchiectasis', 'increased markings'],
  }),
  finding('cavitation', {
    heading: 'Cavitation',
    terms: ['cavity', 'cavitary lesion', 'cavitary nodule', 'cavitary mass', 'cavitating lesion', 'cavitating'],
    related: ['lung abscess', 'tuberculosis', 'cyst'],
  }),
  finding('pulmonary hemorrhage', { terms: ['lung hemorrhage', 'alveolar hemorrhage'], related: ['consolidation'] }),
  finding('subcutaneous emphysema', {
    heading: 'Subcutaneous Emphysema',
    terms: ['surgical emphysema', 'subcutaneous air', 'subcutaneous gas', 'soft tissue emphysema', 'soft tissue air'],
    related: ['pneumothorax', 'pneumomediastinum'],
  }),
  finding('nipple shadow', { heading: 'Nipple Shadow', terms: ['nipple marker'], related: ['nodule'] }),

  // Diaphragm and below.
  finding('elevated diaphragm', {
    heading: 'Diaphragm/elevated',
    terms: [
      'elevated hemidiaphragm',
      'raised hemidiaphragm',
      'elevation of the hemidiaphragm',
      'high hemidiaphragm',
      'elevation of the diaphragm',
    ],
    related: ['diaphragmatic eventration', 'volume loss'],
  }),
  finding('flattened diaphragm', {
    heading: 'Diaphragm/flattened',
    terms: [
      'flattened hemidiaphragm',
      'flat diaphragm',
      'flattening of the diaphragm',
      'flattening of the hemidiaphragm',
    ],
    related: ['hyperinflation', 'emphysema'],
  }),
  finding('diaphragmatic eventration', {
    heading: 'Diaphragmatic Eventration',
    terms: ['eventration'],
    related: ['elevated diaphragm'],
  }),
  finding('hernia', {
    heading: 'Hernia, Hiatal',
    datasetNames: ['hernia'],
    terms: ['hiatal hernia', 'hiatus hernia', 'paraesophageal hernia'],
    sided: false,
  }),
  finding('pneumoperitoneum', {
    heading: 'Pneumoperitoneum',
    terms: ['free air under the diaphragm', 'free intraperitoneal air', 'subdiaphragmatic free air', 'free air'],
    sided: false,
  }),

  // Bones and joints.
  finding('fracture', {
    heading: 'Fractures, Bone',
    datasetNames: ['fracture'],
    terms: ['broken bone', 'fx', 'compression fracture', 'healed fracture'],
    related: ['deformity'],
  }),
  finding('degenerative spine', {
    heading: 'Spine/degenerative',
    terms: [
      'degenerative changes of the spine',
      'degenerative disc disease',
      'spinal degeneration',
      'ddd',
      'degenerative spine changes',
    ],
    related: ['degenerative thoracic spine', 'spondylosis', 'osteophyte'],
    sided: false,
  }),
  finding('degenerative thoracic spine', {
    heading: 'Thoracic Vertebrae/degenerative',
    terms: [
      'thoracic spine degenerative changes',
      'degenerative changes of the thoracic spine',
      'thoracic degenerative changes',
      'degenerative thoracic spine',
      'midthoracic degenerative changes',
    ],
    related: ['degenerative spine', 'spondylosis'],
    sided: false,
  }),
  finding('spondylosis', {
    heading: 'Spondylosis',
    terms: ['thoracic spondylosis'],
    related: ['degenerative spine', 'osteophyte'],
    sided: false,
  }),
  finding('osteophyte', {
    heading: 'Osteophyte',
    terms: ['osteophytosis', 'bone spur', 'spurring'],
    related: ['degenerative spine'],
  }),
  finding('scoliosis', { heading: 'Scoliosis', terms: ['scoliotic curvature', 'spinal curvature'], sided: false }),
  finding('kyphosis', {
    heading: 'Kyphosis',
    terms: ['kyphotic', 'increased kyphosis', 'kyphotic curvature'],
    sided: false,
  }),
  finding('deformity', { heading: 'Deformity', terms: ['bony deformity'], related: ['fracture'] }),
  finding('osteopenia', {
    heading: 'Bone Diseases, Metabolic',
    terms: ['osteoporosis', 'demineralization', 'bone demineralization', 'diffuse osteopenia'],
    sided: false,
  }),
  finding('arthritis', {
    heading: 'Arthritis',
    terms: ['arthritic change', 'degenerative joint disease', 'osteoarthritis', 'djd', 'arthropathy'],
    related: ['degenerative spine'],
  }),
  finding('sclerosis', {
    heading: 'Sclerosis',
    terms: ['sclerotic lesion', 'sclerotic focus'],
    related: ['metastases'],
  }),

  // Technique.
  finding('technical quality', {
    heading: 'Technical Quality of Image Unsatisfactory',
    terms: [
      'poor technique',
      'suboptimal image',
      'technically limited',
      'limited study',
      'underpenetrated',
      'rotated film',
    ],
    sided: false,
  }),

  // Infections.
  infection('pneumonia', {
    heading: 'Pneumonia',
    datasetNames: ['pneumonia'],
    terms: [
      'pna',
      'lung infection',
      'chest infection',
      'community acquired pneumonia',
      'lobar pneumonia',
      'bronchopneumonia',
      'multifocal pneumonia',
    ],
    related: ['consolidation', 'infiltration', 'lung opacity', 'airspace disease'],
  }),
  infection('aspiration pneumonia', {
    heading: 'Pneumonia, Aspiration',
    terms: ['aspiration', 'aspiration pneumonitis'],
    related: ['pneumonia', 'consolidation'],
  }),
  infection('viral pneumonia', {
    heading: 'Pneumonia, Viral',
    terms: ['viral pneumonitis'],
    related: ['pneumonia', 'covid-19'],
  }),
  infection('atypical pneumonia', { terms: ['atypical infection', 'mycoplasma pneumonia'], related: ['pneumonia'] }),
  infection('pneumocystis pneumonia', {
    heading: 'Pneumonia, Pneumocystis',
    terms: ['pcp', 'pjp', 'pcp pneumonia', 'pneumocystis'],
    related: ['pneumonia', 'viral pneumonia'],
  }),
  infection('tuberculosis', {
    heading: 'Tuberculosis',
    terms: ['tb', 'pulmonary tuberculosis', 'tuberculous', 'miliary tuberculosis', 'miliary tb', 'ptb', 'koch'],
    related: ['granulomatous disease', 'cavitation', 'calcified granuloma', 'pneumonia'],
  }),
  infection('covid-19', {
    heading: 'COVID-19',
    terms: ['covid', 'covid 19 pneumonia', 'covid pneumonia', 'sars cov 2', 'coronavirus', 'coronavirus pneumonia'],
    related: ['pneumonia', 'viral pneumonia', 'lung opacity', 'consolidation'],
  }),
  infection('lung abscess', { terms: ['abscess', 'pulmonary abscess'], related: ['cavitation', 'pneumonia'] }),
  infection('bronchitis', { terms: ['bronchiolitis', 'acute bronchitis'], related: ['bronchial wall thickening'] }),
  infection('fungal infection', {
    terms: ['aspergilloma', 'aspergillosis', 'mycetoma', 'fungus ball'],
    related: ['cavitation', 'pneumonia'],
  }),

  // Lines, tubes and devices.
  device('support devices', {
    datasetNames: ['support devices'],
    terms: ['lines and tubes', 'tubes and lines', 'support device', 'lines tubes', 'tubes lines'],
    related: ['catheter', 'endotracheal tube', 'implanted medical device'],
  }),
  device('catheter', {
    heading: 'Catheters, Indwelling',
    terms: ['indwelling catheter', 'venous catheter', 'line'],
    related: ['support devices'],
  }),
  device('central venous catheter', {
    heading: 'Catheters, Indwelling',
    terms: [
      'central line',
      'central venous line',
      'cvc',
      'cvl',
      'central catheter',
      'ij line',
      'internal jugular line',
      'subclavian line',
      'ij catheter',
      'central venous access',
    ],
    related: ['catheter', 'picc', 'support devices'],
  }),
  device('picc', {
    heading: 'Catheters, Indwelling',
    terms: ['picc line', 'peripherally inserted central catheter', 'picc catheter'],
    related: ['central venous catheter', 'catheter', 'support devices'],
  }),
  device('port', {
    heading: 'Catheters, Indwelling',
    terms: ['port-a-cath', 'portacath', 'chest port', 'mediport', 'power port', 'port catheter'],
    related: ['central venous catheter', 'catheter'],
  }),
  device('dialysis catheter', {
    heading: 'Catheters, Indwelling',
    terms: ['hemodialysis catheter', 'dialysis line', 'permacath'],
    related: ['catheter'],
  }),
  device('pulmonary artery catheter', {
    heading: 'Catheters, Indwelling',
    terms: ['swan ganz catheter', 'swan ganz', 'pa catheter'],
    related: ['catheter'],
  }),
  device('endotracheal tube', {
    heading: 'Tube, Inserted',
    terms: ['et tube', 'ett', 'breathing tube', 'tracheal tube', 'intubated', 'intubation'],
    related: ['tracheostomy tube', 'support devices'],
    sided: false,
  }),
  device('tracheostomy tube', {
    heading: 'Tube, Inserted',
    terms: ['tracheostomy', 'trach tube', 'trach'],
    related: ['endotracheal tube'],
    sided: false,
  }),
  device('nasogastric tube', {
    heading: 'Tube, Inserted',
    terms: ['ng tube', 'ngt', 'orogastric tube', 'og tube', 'ogt', 'enteric tube', 'gastric tube'],
    related: ['feeding tube', 'support devices'],
    sided: false,
  }),
  device('feeding tube', {
    heading: 'Tube, Inserted',
    terms: ['dobhoff', 'dobhoff tube', 'nasoenteric tube', 'nasojejunal tube', 'nj tube'],
    related: ['nasogastric tube'],
    sided: false,
  }),
  device('chest tube', {
    heading: 'Tube, Inserted',
    terms: [
      'chest drain',
      'pleural drain',
      'thoracostomy tube',
      'intercostal drain',
      'pigtail catheter',
      'pleural catheter',
    ],
    related: ['pneumothorax', 'support devices'],
  }),
  device('pacemaker', {
    heading: 'Implanted Medical Device',
    terms: [
      'pacer',
      'cardiac pacemaker',
      'pacing leads',
      'pacemaker leads',
      'ppm',
      'permanent pacemaker',
      'pacing wires',
    ],
    related: ['defibrillator', 'implanted medical device'],
  }),
  device('defibrillator', {
    heading: 'Implanted Medical Device',
    terms: ['icd', 'aicd', 'implantable cardioverter defibrillator', 'cardioverter defibrillator'],
    related: ['pacemaker', 'implanted medical device'],
  }),
  device('implanted medical device', {
    heading: 'Implanted Medical Device',
    terms: ['implanted device', 'cardiac device', 'loop recorder'],
    related: ['pacemaker'],
  }),
  device('sternotomy wires', {
    heading: 'Surgical Instruments',
    terms: ['sternal wires', 'median sternotomy', 'sternotomy', 'sternal sutures', 'sternotomy sutures', 'cabg wires'],
    related: ['surgical clips'],
    sided: false,
  }),
  device('surgical clips', {
    heading: 'Surgical Instruments',
    terms: ['clips', 'surgical staples', 'staples', 'vascular clips'],
    related: ['sternotomy wires'],
  }),
  device('stent', {
    heading: 'Stents',
    terms: ['coronary stent', 'airway stent', 'vascular stent', 'esophageal stent'],
    related: ['support devices'],
  }),
  device('spinal fusion', {
    heading: 'Spinal Fusion',
    terms: ['spinal fusion hardware', 'fusion hardware', 'spinal hardware', 'spinal rods', 'pedicle screws'],
    sided: false,
  }),
  device('foreign body', {
    heading: 'Foreign Bodies',
    terms: ['foreign object', 'metallic foreign body', 'bullet fragment', 'shrapnel'],
  }),
  // Headings the miner reads that name narrower or rarer things.
  finding('enlarged cardiac shadow', { heading: 'Cardiac Shadow/enlarged', related: ['cardiomegaly'], ...CARDIAC }),
  finding('enlarged atria', {
    heading: 'Heart Atria/enlarged',
    terms: ['atrial enlargement', 'enlarged left atrium', 'left atrial enlargement'],
    related: ['cardiomegaly'],
    ...CARDIAC,
  }),
  finding('obscured heart border', {
    heading: 'Heart/obscured',
    terms: ['silhouetting of the heart border'],
    related: ['lung opacity'],
  }),
  infection('bacterial pneumonia', { heading: 'Pneumonia, Bacterial', related: ['pneumonia', 'consolidation'] }),
  finding('aortic calcification', {
    heading: 'Calcinosis/aorta',
    terms: ['calcified aorta', 'calcification of the aorta', 'aortic knob calcification'],
    related: ['atherosclerosis', 'calcinosis'],
    ...CARDIAC,
  }),
  finding('bullous emphysema', { heading: 'Bullous Emphysema', related: ['emphysema', 'bulla'] }),
  finding('hyperlucent lung', {
    heading: 'Lung, Hyperlucent',
    terms: ['hyperlucency'],
    related: ['emphysema', 'lucency'],
  }),
  finding('azygos lobe', { heading: 'Lung/azygos lobe', terms: ['azygos fissure'], sided: false }),
  finding('hilar prominence', {
    heading: 'Lung/hilum',
    terms: ['prominent hilum', 'hilar fullness', 'hilar enlargement'],
    related: ['lymphadenopathy', 'enlarged pulmonary artery'],
  }),
  finding('degenerative lumbar spine', {
    heading: 'Lumbar Vertebrae/degenerative',
    related: ['degenerative spine'],
    sided: false,
  }),
  finding('degenerative shoulder', {
    heading: 'Shoulder/degenerative',
    terms: ['shoulder arthritis', 'degenerative changes of the shoulder'],
    related: ['arthritis'],
  }),
  finding('dish', {
    heading: 'Hyperostosis, Diffuse Idiopathic Skeletal',
    terms: ['diffuse idiopathic skeletal hyperostosis'],
    related: ['osteophyte', 'degenerative spine'],
    sided: false,
  }),
  finding('prominent aorta', {
    heading: 'Aorta/prominent',
    terms: ['prominent aortic knob', 'prominent aortic arch'],
    related: ['tortuous aorta'],
    ...CARDIAC,
  }),
  finding('obscured diaphragm', {
    heading: 'Diaphragm/obscured',
    terms: ['obscured hemidiaphragm'],
    related: ['pleural effusion', 'atelectasis'],
  }),
  finding('mediastinal lymphadenopathy', {
    heading: 'Mediastinum/lymph nodes',
    terms: ['mediastinal adenopathy', 'mediastinal lymph nodes'],
    related: ['lymphadenopathy'],
    sided: false,
  }),
  finding('mediastinal shift', {
    heading: 'Shift/mediastinum',
    terms: ['shift of the mediastinum'],
    related: ['volume loss'],
  }),
  finding('cystic fibrosis', { heading: 'Cystic Fibrosis', related: ['bronchiectasis'], sided: false }),
  finding('mastectomy', { heading: 'Mastectomy', terms: ['mastectomy changes'] }),
  finding('pectus carinatum', { heading: 'Pectus Carinatum', sided: false }),
  finding('pectus excavatum', { heading: 'Funnel Chest', terms: ['funnel chest'], sided: false }),
  finding('dislocation', {
    heading: 'Dislocations',
    terms: ['shoulder dislocation', 'dislocated shoulder'],
    related: ['fracture'],
  }),
  finding('contrast', {
    heading: 'Contrast Media',
    terms: ['contrast material', 'barium', 'oral contrast'],
    sided: false,
  }),
  finding('pneumonectomy', {
    heading: 'Pneumonectomy',
    terms: ['post pneumonectomy', 'pneumonectomy changes'],
    related: ['volume loss'],
  }),
  device('medical device', { heading: 'Medical Device', related: ['support devices', 'implanted medical device'] }),
  device('sutures', {
    heading: 'Sutures',
    terms: ['suture', 'suture material', 'surgical sutures'],
    related: ['surgical clips'],
  }),
  device('breast implants', { heading: 'Breast Implants', terms: ['breast implant', 'breast prosthesis'] }),
];
