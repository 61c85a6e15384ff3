// Package batch fetches session results from the VX API and classifies them.
package batch
