// Summarises a V8 .cpuprofile (node --cpu-prof): self time by function and by where the code lives
// (a package under node_modules, a folder of src/, Node itself, GC, idle).
import { readFileSync } from 'node:fs';

type ProfileNode = { id: number; hitCount?: number; callFrame: { functionName: string; url: string; lineNumber: number } };
type Profile = { nodes: ProfileNode[]; samples: number[]; startTime: number; endTime: number };

/** node_modules/<pkg> (scoped too), src/<folder>, node:<module>, or V8's pseudo-nodes. */
function placeOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native / V8)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  const src = /\/dist\/([^/]+(?:\/[^/]+)?)\/[^/]+\.js$/.exec(url) ?? /\/dist\/([^/]+)\.js$/.exec(url);
  if (src) return `src/${src[1]}`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return url.replace(/^file:\/\//, '');
}

export function summariseProfile(path: string, top = 15) {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const total = profile.samples.length;
  const seconds = (profile.endTime - profile.startTime) / 1e6;
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const place = placeOf(url, functionName);
    const file = url ? `${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${file}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
    byPlace.set(place, (byPlace.get(place) ?? 0) + hits);
  }
  const rank = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, hits]) => ({ name, share: hits / total }));
  return { seconds, samples: total, functions: rank(byFunction), places: rank(byPlace) };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '-')) {
  const s = summariseProfile(process.argv[2] ?? '');
  console.log(`${s.samples} samples over ${s.seconds.toFixed(1)} s`);
  for (const p of s.places) console.log(`${(p.share * 100).toFixed(1).padStart(5)} %  ${p.name}`);
  console.log('');
  for (const f of s.functions) console.log(`${(f.share * 100).toFixed(1).padStart(5)} %  ${f.name}`);
}
