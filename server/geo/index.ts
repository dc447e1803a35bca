/** Small, pure, browser-safe geographic helpers (Turf). No Node imports here. */
export { legLengthKm, type LineGeometry } from './length.ts';
export { networkBbox, type Bbox } from './bbox.ts';
export { resolveDistances, COMPUTED_DISTANCE_SOURCE } from './distances.ts';
export { isInArea, isOnWater, kmToLine, sampleLine, samplesOutside, segmentStaysInPolygon, type Area, type Sample, type SampleOptions } from './water.ts';
