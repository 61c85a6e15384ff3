// Package vx is the client of the VX API: it fetches session results from the VX API and classifies them.
//
// A Client sends GET {base}/api/session/result/{id} with a bearer token (static, or OAuth2
// client credentials renewed before expiry and once more on a 401), retries what is worth
// retrying (connection errors, timeouts, 408, 429, 500, 502, 503, 504) with capped
// exponential backoff and full jitter or the server's Retry-After, and turns every answer
// into a recon.Result with one of the recon.Classes. A failure is data: a Result with Class Error and
// the reason, never an error that stops the run.
//
// Client.Run fans ids out over an errgroup (at most Concurrency requests in flight, an
// optional shared rate limit) and emits the results in input order through a bounded
// reorder window. Only fatal things stop it: the context ending, credentials refused
// (*AuthError), or the circuit breaker deciding the API is down (ErrAPIUnavailable); the
// ids it did not fetch are still emitted, as Error results "not fetched: <why>".
package vx
