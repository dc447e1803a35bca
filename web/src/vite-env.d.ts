/// <reference types="vite/client" />

/** The base map's country outlines, made when the page is built (web/vite.config.ts). */
declare module 'virtual:basemap' {
  const outlines: import('./lib/basemap-outlines.ts').CountryOutlines;
  export default outlines;
}
