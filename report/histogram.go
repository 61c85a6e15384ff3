package report

import "time"

// Bucket is one bar of the journey duration histogram: the durations d with From <= d < To
// (To 0: no upper bound).
type Bucket struct {
	Label    string
	From, To time.Duration
	Count    int
}

// buckets are the histogram's fixed bounds, chosen so a person reads them at a glance. Each
// bucket holds its lower bound and not its upper one: 30 s exactly is in "30–60 s", 60 s in
// "1–2 min", 24 h exactly in "over 24 h".
var buckets = [...]struct {
	label    string
	from, to time.Duration
}{
	{"under 30 s", 0, 30 * time.Second},
	{"30–60 s", 30 * time.Second, time.Minute},
	{"1–2 min", time.Minute, 2 * time.Minute},
	{"2–5 min", 2 * time.Minute, 5 * time.Minute},
	{"5–15 min", 5 * time.Minute, 15 * time.Minute},
	{"15–60 min", 15 * time.Minute, time.Hour},
	{"1–24 h", time.Hour, 24 * time.Hour},
	{"over 24 h", 24 * time.Hour, 0},
}

const numBuckets = len(buckets)

// Buckets returns the histogram's buckets in order, with no counts: their labels and bounds.
func Buckets() []Bucket {
	bs := make([]Bucket, numBuckets)
	for i, b := range buckets {
		bs[i] = Bucket{Label: b.label, From: b.from, To: b.to}
	}
	return bs
}

// bucketOf returns the index of the bucket d falls in; d is not negative.
func bucketOf(d time.Duration) int {
	for i, b := range buckets[:numBuckets-1] {
		if d < b.to {
			return i
		}
	}
	return numBuckets - 1
}
