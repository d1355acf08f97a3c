/** Request bodies that are not JSON: forms and multipart, from the params object the method was given. */

/** `application/x-www-form-urlencoded`: arrays repeat their key, objects are sent as JSON text. */
export function toForm(body: object): URLSearchParams {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(body)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === undefined || item === null) continue;
      form.append(key, typeof item === 'object' ? JSON.stringify(item) : String(item));
    }
  }
  return form;
}

/** `multipart/form-data`: a Blob (or File) is a file part, arrays repeat their key, objects are JSON parts. */
export function toMultipart(body: object): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(body)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === undefined || item === null) continue;
      if (item instanceof Blob) form.append(key, item, item instanceof File ? item.name : key);
      else form.append(key, typeof item === 'object' ? JSON.stringify(item) : String(item));
    }
  }
  return form;
}
