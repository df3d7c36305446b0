// Package kb is CrisisBot's knowledge base: the sources it answers from,
// the curated entries that quote them, and the matcher that maps a free-text
// question to one entry or declines.
//
// The package knows nothing about Discord or the command line. Everything it
// returns is plain data that a front end renders.
package kb
