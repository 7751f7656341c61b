// natural ships no types for its stop-word file; this is its shape.
declare module 'natural/lib/natural/util/stopwords.js' {
  export const words: string[];
}
