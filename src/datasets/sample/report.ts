import type { Random } from '../../random.js';
import type { ReportSections } from '../record.js';
import type { Finding } from './findings.js';

const sideWord = (finding: Finding) => (finding.side === 'bilateral' ? 'bilateral' : finding.side);
const sided = (finding: Finding) => (finding.side === 'bilateral' ? 'bilateral' : `${finding.side}-sided`);
const lobeWords = (finding: Finding) => `${finding.side} ${finding.lobe === 'lingula' ? 'lingula' : finding.lobe}`;

/** Varied radiologist phrasings of each finding. */
function sentences(finding: Finding): string[] {
  switch (finding.kind) {
    case 'effusion':
      return [
        `${cap(finding.severity)} ${sideWord(finding)} pleural effusion${finding.side === 'bilateral' ? 's' : ''}.`,
        `There is a ${finding.severity} ${sided(finding)} pleural effusion with blunting of the costophrenic angle.`,
        `${cap(finding.severity)} ${sided(finding)} pleural fluid is present.`,
      ];
    case 'cardiomegaly':
      return [
        `The heart is ${finding.severity}ly enlarged.`,
        `${cap(finding.severity)} cardiomegaly.`,
        `Cardiac silhouette is enlarged, ${finding.severity}.`,
      ];
    case 'nodule':
      return [
        `There is a nodule in the ${lobeWords(finding)}.`,
        `A rounded nodular density projects over the ${lobeWords(finding)}.`,
      ];
    case 'mass':
      return [
        `There is a mass in the ${lobeWords(finding)}.`,
        `Large mass-like opacity in the ${lobeWords(finding)}, further evaluation with CT is recommended.`,
      ];
    case 'granuloma':
      return [
        `Calcified granuloma in the ${lobeWords(finding)}.`,
        `A small calcified granuloma is noted in the ${lobeWords(finding)}.`,
      ];
    case 'opacity':
      return finding.descriptor === 'patchy'
        ? [
            `Patchy airspace opacity in the ${lobeWords(finding)}.`,
            `There are patchy opacities in the ${lobeWords(finding)}, possibly pneumonia.`,
          ]
        : [`Focal airspace opacity in the ${lobeWords(finding)}.`, `Focal consolidation in the ${lobeWords(finding)}.`];
    case 'atelectasis':
      return [
        `Mild ${finding.side} basilar atelectasis.`,
        `Linear opacity at the ${finding.side} base consistent with subsegmental atelectasis.`,
      ];
    case 'pneumothorax':
      return [
        `${cap(finding.severity)} ${finding.side} pneumothorax.`,
        `There is a ${finding.severity} ${sided(finding)} pneumothorax.`,
      ];
    case 'hyperdistention':
      return ['The lungs are hyperexpanded with flattening of the diaphragms.', 'Hyperinflated lungs.'];
    case 'hypoinflation':
      return ['Low lung volumes.', 'The lungs are hypoinflated with bronchovascular crowding.'];
    case 'catheter':
      return [
        `${cap(finding.side)} central venous catheter with tip in the distal SVC.`,
        `A ${finding.side}-sided catheter terminates over the cavoatrial junction.`,
      ];
    case 'scoliosis':
      return [
        `${cap(finding.severity)} scoliosis of the thoracic spine, convex to the ${finding.side}.`,
        `There is ${finding.severity} ${finding.side === 'right' ? 'dextro' : 'levo'}convex thoracic scoliosis.`,
      ];
    case 'degenerative':
      return [
        `${cap(finding.severity)} degenerative changes of the thoracic spine.`,
        `Degenerative disc disease and osteophytes of the thoracic spine, ${finding.severity}.`,
      ];
    case 'rib-fracture':
      return [`There is a displaced ${finding.side} rib fracture.`, `Fracture of a ${finding.side} posterior rib.`];
  }
}

/** Negations a radiologist states when the finding is absent. */
const NEGATIONS: Array<{ unless: Finding['kind'][]; say: string[] }> = [
  {
    unless: ['cardiomegaly'],
    say: [
      'The heart is normal in size.',
      'Heart size is within normal limits.',
      'Normal cardiomediastinal silhouette.',
    ],
  },
  {
    unless: ['effusion', 'pneumothorax'],
    say: ['No pleural effusion or pneumothorax.', 'There is no pleural effusion or pneumothorax.'],
  },
  { unless: ['effusion'], say: ['No pleural effusion.'] },
  { unless: ['pneumothorax'], say: ['No pneumothorax.', 'There is no evidence of pneumothorax.'] },
  {
    unless: ['opacity', 'mass', 'atelectasis'],
    say: ['No focal airspace consolidation.', 'The lungs are clear.', 'No focal consolidation.'],
  },
];

/** FINDINGS and IMPRESSION for an image's findings, with negations for what is absent; `XXXX` as OpenI redacts. */
export function writeReport(findings: Finding[], random: Random): ReportSections {
  const kinds = new Set(findings.map((f) => f.kind));
  const positive = findings.map((finding) => random.pick(sentences(finding)));
  const negatives: string[] = [];
  for (const negation of NEGATIONS) {
    if (negation.unless.some((kind) => kinds.has(kind))) continue;
    if (negatives.some((said) => said.includes('pneumothorax')) && negation.say[0]?.includes('pneumothorax')) continue;
    if (negatives.some((said) => said.includes('effusion')) && negation.say[0]?.includes('effusion')) continue;
    if (random.chance(0.85)) negatives.push(random.pick(negation.say));
  }
  const normal = findings.length === 0;
  return {
    comparison: random.pick(['None.', 'XXXX', 'Chest radiograph XXXX.']),
    indication: random.pick([
      'Cough.',
      'Shortness of breath.',
      'Chest pain.',
      'Preoperative evaluation.',
      'XXXX-year-old with fever.',
    ]),
    findings: [...positive, ...negatives].join(' '),
    impression: normal
      ? random.pick(['No acute cardiopulmonary abnormality.', 'Normal chest.', 'No acute cardiopulmonary disease.'])
      : positive.slice(0, 2).join(' '),
  };
}

function cap(word: string | undefined): string {
  return word === undefined ? '' : word.charAt(0).toUpperCase() + word.slice(1);
}

/** An eCitation XML report as OpenI publishes it, readable by the OpenI importer unchanged. */
export function toOpenIXml(id: number, report: ReportSections, mesh: string[], imageIds: string[]): string {
  const text = (label: string, value: string | undefined) =>
    `      <AbstractText Label="${label}">${escapeXml(value ?? '')}</AbstractText>`;
  return `<?xml version="1.0" encoding="utf-8"?>
<eCitation>
   <meta type="rr"/>
   <uId id="CXR${id}"/>
   <IUXRId id="${id}"/>
   <licenseType>open-access</licenseType>
   <publisher>cxr-search synthetic sample</publisher>
   <title>Synthetic Chest X-ray Collection</title>
   <MedlineCitation Owner="cxr-search" Status="synthetic">
    <Article PubModel="Electronic">
     <ArticleTitle>Synthetic Chest X-ray Collection</ArticleTitle>
     <Abstract>
${text('COMPARISON', report.comparison)}
${text('INDICATION', report.indication)}
${text('FINDINGS', report.findings)}
${text('IMPRESSION', report.impression)}
     </Abstract>
    </Article>
   </MedlineCitation>
   <MeSH>
${mesh.map((m) => `      <major>${escapeXml(m)}</major>`).join('\n')}
   </MeSH>
${imageIds.map((image) => `   <parentImage id="${image}">\n      <figureId>F1</figureId>\n      <caption>Xray Chest PA</caption>\n   </parentImage>`).join('\n')}
</eCitation>
`;
}

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
