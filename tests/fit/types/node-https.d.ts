// @looker/sdk-rtl's transport.d.ts imports `Agent` from Node's 'https' (for
// its Node transport). This browser-side check has no @types/node: a stand-in
// for that one import keeps skipLibCheck off, so every .d.ts is checked.
declare module 'https' {
  export class Agent {}
}
