//go:build !race

package sdkfix

// raceDetector says the tests run under the race detector (go test -race).
const raceDetector = false
