/** The page script, as text (a wrangler Text module): served, never run in the Worker. */
declare const source: string;
export default source;
