// The detail view's image: the full-size PNG on a canvas, with zoom, pan and window / level as a PACS viewer has
// them. The PNG is 8-bit grey, so window and level map 0…255 grey values; the mapping is a 256-entry table,
// recomputed only when window, level or inversion change, so a drag redraws without a per-pixel pass.

const MIN_ZOOM = 1;
const MAX_ZOOM = 16;

/** A viewer for `src` (an image URL); `label` names it for assistive technology. Returns its element. */
export function createViewer(src, label) {
  const canvas = document.createElement('canvas');
  canvas.className = 'viewer-canvas';
  canvas.tabIndex = 0;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${label}. Drag or arrow keys to pan, + and − to zoom, 0 to reset.`);
  const view = { zoom: 1, x: 0, y: 0, window: 256, level: 128, invert: false };
  let grey = null; // the image's grey values, one a pixel
  let windowed = null; // the image after window / level, at its own size
  let width = 0;
  let height = 0;

  const control = (name, attributes) => {
    const input = Object.assign(document.createElement('input'), attributes, { name });
    const wrapper = document.createElement('label');
    wrapper.append(`${attributes.title} `, input);
    return { input, wrapper };
  };
  const windowControl = control('window', { type: 'range', min: 1, max: 256, value: 256, title: 'Window' });
  const levelControl = control('level', { type: 'range', min: 0, max: 255, value: 128, title: 'Level' });
  const invertControl = control('invert', { type: 'checkbox', title: 'Invert' });
  const button = (text, name, action) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.setAttribute('aria-label', name);
    b.addEventListener('click', action);
    return b;
  };
  const readout = document.createElement('output');
  readout.className = 'viewer-readout';

  const toolbar = document.createElement('div');
  toolbar.className = 'viewer-tools';
  toolbar.setAttribute('role', 'toolbar');
  toolbar.setAttribute('aria-label', 'Image tools');
  toolbar.append(
    button('−', 'Zoom out', () => zoomBy(1 / 1.5)),
    button('+', 'Zoom in', () => zoomBy(1.5)),
    button('Reset', 'Reset zoom, pan, window and level', reset),
    windowControl.wrapper,
    levelControl.wrapper,
    invertControl.wrapper,
    readout,
  );
  const element = document.createElement('div');
  element.className = 'viewer';
  element.append(canvas, toolbar);

  function applyWindow() {
    if (grey === null) return;
    const low = view.level - view.window / 2;
    const table = new Uint8ClampedArray(256);
    for (let v = 0; v < 256; v++) {
      const out = ((v - low) / view.window) * 255;
      table[v] = view.invert ? 255 - out : out;
    }
    const image = new ImageData(width, height);
    const data = image.data;
    for (let i = 0; i < grey.length; i++) {
      const v = table[grey[i]];
      data[4 * i] = v;
      data[4 * i + 1] = v;
      data[4 * i + 2] = v;
      data[4 * i + 3] = 255;
    }
    windowed.getContext('2d').putImageData(image, 0, 0);
    draw();
  }

  /** Keeps the image covering the view: at zoom 1 it is centred, zoomed in it can be panned to its edges only. */
  function clampPan(fit) {
    const spanX = Math.max(0, (width * fit * view.zoom - canvas.width) / 2);
    const spanY = Math.max(0, (height * fit * view.zoom - canvas.height) / 2);
    view.x = Math.max(-spanX, Math.min(spanX, view.x));
    view.y = Math.max(-spanY, Math.min(spanY, view.y));
  }

  function draw() {
    const ratio = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(canvas.clientWidth * ratio));
    const h = Math.max(1, Math.round(canvas.clientHeight * ratio));
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    const context = canvas.getContext('2d');
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.fillStyle = '#000';
    context.fillRect(0, 0, w, h);
    if (windowed === null) return;
    const fit = Math.min(w / width, h / height);
    clampPan(fit);
    const scale = fit * view.zoom;
    context.imageSmoothingEnabled = view.zoom < 4; // zoomed far in, a reader wants to see the pixels
    context.setTransform(
      scale,
      0,
      0,
      scale,
      w / 2 + view.x - (width * scale) / 2,
      h / 2 + view.y - (height * scale) / 2,
    );
    context.drawImage(windowed, 0, 0);
    canvas.dataset.zoom = view.zoom.toFixed(2);
    canvas.dataset.window = String(view.window);
    canvas.dataset.level = String(view.level);
    readout.textContent = `zoom ${view.zoom.toFixed(1)}× · W ${view.window} L ${view.level}`;
  }

  function zoomBy(factor) {
    const zoom = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, view.zoom * factor));
    view.x *= zoom / view.zoom;
    view.y *= zoom / view.zoom;
    view.zoom = zoom;
    draw();
  }

  function reset() {
    Object.assign(view, { zoom: 1, x: 0, y: 0, window: 256, level: 128, invert: false });
    windowControl.input.value = '256';
    levelControl.input.value = '128';
    invertControl.input.checked = false;
    applyWindow();
  }

  windowControl.input.addEventListener('input', () => {
    view.window = Number(windowControl.input.value);
    applyWindow();
  });
  levelControl.input.addEventListener('input', () => {
    view.level = Number(levelControl.input.value);
    applyWindow();
  });
  invertControl.input.addEventListener('change', () => {
    view.invert = invertControl.input.checked;
    applyWindow();
  });
  canvas.addEventListener(
    'wheel',
    (event) => {
      event.preventDefault();
      zoomBy(event.deltaY < 0 ? 1.2 : 1 / 1.2);
    },
    { passive: false },
  );
  let drag = null;
  canvas.addEventListener('pointerdown', (event) => {
    canvas.setPointerCapture(event.pointerId);
    drag = { x: event.clientX, y: event.clientY };
  });
  canvas.addEventListener('pointermove', (event) => {
    if (drag === null) return;
    const ratio = window.devicePixelRatio || 1;
    view.x += (event.clientX - drag.x) * ratio;
    view.y += (event.clientY - drag.y) * ratio;
    drag = { x: event.clientX, y: event.clientY };
    draw();
  });
  canvas.addEventListener('pointerup', () => {
    drag = null;
  });
  canvas.addEventListener('keydown', (event) => {
    const step = 40;
    const moves = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (moves[event.key]) {
      view.x += moves[event.key][0];
      view.y += moves[event.key][1];
      draw();
    } else if (event.key === '+' || event.key === '=') zoomBy(1.5);
    else if (event.key === '-') zoomBy(1 / 1.5);
    else if (event.key === '0') reset();
    else return;
    event.preventDefault();
    event.stopPropagation(); // the page's own keys (arrows move in the grid) do not apply here
  });
  // Redraws at the canvas's size; once the canvas leaves the page (another image opened), the image is let go.
  const resizing = new ResizeObserver(() => {
    if (canvas.isConnected) draw();
    else {
      resizing.disconnect();
      grey = null;
      windowed = null;
    }
  });
  resizing.observe(canvas);

  const image = new Image();
  image.onload = () => {
    width = image.naturalWidth;
    height = image.naturalHeight;
    windowed = Object.assign(document.createElement('canvas'), { width, height });
    const context = windowed.getContext('2d', { willReadFrequently: true });
    context.drawImage(image, 0, 0);
    const rgba = context.getImageData(0, 0, width, height).data;
    grey = new Uint8Array(width * height);
    for (let i = 0; i < grey.length; i++) grey[i] = rgba[4 * i];
    applyWindow();
    canvas.dataset.ready = 'true';
  };
  image.onerror = () => {
    canvas.dataset.ready = 'failed';
    readout.textContent = 'The full image could not be loaded.';
  };
  image.src = src;
  return element;
}
