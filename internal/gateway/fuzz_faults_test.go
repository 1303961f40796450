package gateway

import (
	"reflect"
	"testing"
)

func FuzzParseFaults(f *testing.F) {
	f.Add("latency=300ms,op=getCard;429,times=2;drop")
	f.Add("500,times=1,op=addUserRecords;badsig;stale;202;drop-after")
	f.Add(";;")
	f.Fuzz(func(t *testing.T, spec string) {
		faults, err := ParseFaults(spec)
		if err != nil {
			return
		}
		back, err := ParseFaults(FormatFaults(faults))
		if err != nil || !reflect.DeepEqual(back, faults) {
			t.Fatalf("%q: %+v round-trips to %+v (%v)", spec, faults, back, err)
		}
	})
}
