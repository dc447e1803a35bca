/// <reference types="vite/client" />

/** The address of the base map's country outlines, made when the page is built (web/vite.config.ts). */
declare module 'virtual:basemap' {
  const outlinesUrl: string;
  export default outlinesUrl;
}
