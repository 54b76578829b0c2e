/*
Package error_helpers contains custom error types and error helper functions
*/
package error_helpers
