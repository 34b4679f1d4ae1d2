// Setting a canvas's size reallocates and clears it even when the size is the same: only do
// it when the size changes (the callers clear or repaint all of it anyway).
export function sizeCanvas(canvas, width, height) {
  const [w, h] = [Math.round(width), Math.round(height)];
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
}
