package slackapp

import (
	"testing"
	"unsafe"
)

// TestEventDeliverySize: an eventDelivery is most of what an event
// allocates, and allocation paces the garbage collector; it must stay in
// the 640-byte size class (it was 776 bytes, in the 896 class).
func TestEventDeliverySize(t *testing.T) {
	if n := unsafe.Sizeof(eventDelivery{}); n > 640 {
		t.Fatalf("eventDelivery is %d bytes, want at most 640 (the 640-byte size class)", n)
	}
}
