/**
 * The Content-Security-Policy of every page faultline serves or writes: nothing may load
 * and no script may run. The pages need neither, so a value that slipped past escaping
 * could do no harm, and a report opened from disk never reaches the network.
 */
export const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'none'; form-action 'none'; base-uri 'none'";
