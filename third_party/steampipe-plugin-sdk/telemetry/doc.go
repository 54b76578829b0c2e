// Package telemetry provides Open Telemetry support.
package telemetry
