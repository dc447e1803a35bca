/** Short names for map labels. Pure. */

const NOISE =
  /\b(sea commercial port|international sea trade port|international seaport|sea trade port|seaport|port of|port|hinterland|region|oblast|junction|station|city)\b/gi;

/**
 * A place name short enough for a map label: "Aktau Sea Commercial Port" → "Aktau",
 * "Azerbaijan via Port of Baku (Alat)" → "Baku", "Astana and Akmola region" → "Astana".
 */
export function shortName(name: string): string {
  let text = name.replace(/\s*\(.*?\)\s*/g, ' ').trim();
  const via = /\bvia\s+(.+)$/i.exec(text);
  if (via) text = via[1];
  text = text.split(/\s*[+/,]\s*|\s+and\s+/i)[0];
  const short = text.replace(NOISE, '').replace(/\s+/g, ' ').trim();
  return short || name;
}
