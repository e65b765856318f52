import type { ImageHead } from './image-files.js';
import type { AnnotationRecord, StudyRecord } from './record.js';

/**
 * A study of one image, as the challenge sets (SIIM, VinDr) publish them: the patient, sex, age and view come from
 * the image's own DICOM header when it has one (the label files name none of them).
 */
export function oneImageStudy(
  id: string,
  path: string,
  head: ImageHead | undefined,
  size: { width: number; height: number } | undefined,
  annotations: AnnotationRecord[],
): StudyRecord {
  const dicom = head?.dicom;
  return {
    sourceId: id,
    ...(dicom?.patientId === undefined ? {} : { patient: { id: dicom.patientId, sex: dicom.sex, age: dicom.age } }),
    images: [{ id, path, ...(dicom?.view ? { view: dicom.view } : {}), ...(size ?? {}) }],
    annotations,
  };
}
