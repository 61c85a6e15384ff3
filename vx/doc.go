// Package vx is the client of the VX API: it fetches session results and classifies them
// (docs/api/).
//
// A Client sends GET {base}/api/session/result/{id} with a bearer token (static, or OAuth2
// client credentials renewed before expiry and once more on a 401), retries what is worth
// retrying (connection errors, timeouts, 408, 429, 500, 502, 503, 504) with capped
// exponential backoff and full jitter or the server's Retry-After, and turns every answer
// into a recon.Result with one of the recon.Classes. A failure is data: a Result with Class
// Error and the reason, never an error that stops the run. What the client learns about the
// server is shared by all its requests: a Retry-After pauses them all, a 429 lowers their
// rate, retries draw on one budget, and results in a row that say the API is down open one
// circuit breaker. Redirects are never followed, and credentials the server echoes are
// redacted from everything it answers.
//
// vx is the client of one request at a time, safe for concurrent use: Fetch (or Try, which
// also says how the fetch ended) holds one of Concurrency slots only while its attempt is in
// flight. Fanning many ids out is package batch's: it asks Workers how many to fetch at once,
// Judge after a fetch that ended Down, and Refused and Unavailable why it stopped.
package vx
