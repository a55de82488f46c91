// The MNIST pack (dist/data/mnist-binary.bin, 6.9 MB, about 2 MB gzipped on the wire): fetched once, on
// the first training, read through the response's stream so that a progress bar can follow it.
export const DATA_URL = 'data/mnist-binary.bin';

// onProgress(received, total|null). Resolves to an ArrayBuffer; rejects with a message fit for the page.
export async function fetchDataset(onProgress, url = DATA_URL) {
  let response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new Error(`the MNIST data (${url}) could not be fetched: ${e.message}`);
  }
  if (!response.ok) throw new Error(`the MNIST data (${url}) could not be fetched: HTTP ${response.status}`);
  // Content-Length is the encoded size when the server compresses: then it is no total for the bytes read.
  const encoded = response.headers.get('Content-Encoding');
  const length = Number(response.headers.get('Content-Length'));
  const total = !encoded && length > 0 ? length : null;
  if (!response.body) {
    const buffer = await response.arrayBuffer();
    onProgress(buffer.byteLength, buffer.byteLength);
    return buffer;
  }
  const reader = response.body.getReader();
  const chunks = [];
  let received = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.byteLength;
      onProgress(received, total);
    }
  } catch (e) {
    throw new Error(`the MNIST data (${url}) stopped arriving after ${received} bytes: ${e.message}`);
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const c of chunks) { bytes.set(c, offset); offset += c.byteLength; }
  return bytes.buffer;
}
