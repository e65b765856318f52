import dicomParser from 'dicom-parser';
import { cxrError } from '../../errors.js';

/**
 * The bytes of the first frame of encapsulated (compressed) pixel data (PS3.5 A.4). One frame: all fragments
 * together. Several: the basic offset table's first entry; without one, one fragment per frame when there are as
 * many fragments as frames (RLE always, most writers), else the fragments up to the first JPEG end-of-image marker
 * (JPEG, JPEG-LS and JPEG 2000 codestreams all end with FFD9).
 */
export function firstEncapsulatedFrame(
  dataSet: dicomParser.DataSet,
  pixels: dicomParser.Element,
  frames: number,
  name: string,
): Uint8Array {
  const fragments = pixels.fragments ?? [];
  if (fragments.length === 0) throw cxrError('IMAGE_CORRUPT', `${name}: its compressed pixel data has no fragment`);
  try {
    if (frames === 1) return dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, pixels, 0, fragments.length);
    if ((pixels.basicOffsetTable ?? []).length > 0) return dicomParser.readEncapsulatedImageFrame(dataSet, pixels, 0);
    if (fragments.length === frames) return dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, pixels, 0, 1);
    const offsets = dicomParser.createJPEGBasicOffsetTable(dataSet, pixels);
    return dicomParser.readEncapsulatedImageFrame(dataSet, pixels, 0, offsets);
  } catch (error) {
    throw cxrError(
      'IMAGE_CORRUPT',
      `${name}: its first frame cannot be read (${String((error as Error).message ?? error)})`,
    );
  }
}
