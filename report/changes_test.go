package report

import (
	"reflect"
	"slices"
	"testing"

	"github.com/vxrecon/vxrecon/recon"
)

func TestChanges(t *testing.T) {
	// The previous run, p2 listed twice (a journal keeps every answer): its last class wins,
	// its first place stays.
	c := NewChanges(
		[]string{"p1", "p6", "p2", "p3", "p4", "p5", "p2"},
		[]recon.Class{recon.Pass, recon.NotFound, recon.Fail, recon.NotFound, recon.InProgress, recon.Error, recon.Pass},
	)
	for _, a := range []struct {
		id  string
		now recon.Class
	}{
		{"n1", recon.Fail}, {"p3", recon.Pass}, {"p1", recon.Pass}, {"p2", recon.Pass}, {"n2", recon.Error}, {"p5", recon.Fail},
	} {
		c.Add(a.id, a.now)
	}
	s := c.Result()
	wantRows := []ChangeRow{
		{"p3", recon.NotFound, recon.Pass, Changed}, // changed, in input order
		{"p5", recon.Error, recon.Fail, Changed},
		{"n1", "", recon.Fail, New}, // then new, in input order
		{"n2", "", recon.Error, New},
		{"p6", recon.NotFound, "", Gone}, // then gone, in the previous run's order
		{"p4", recon.InProgress, "", Gone},
	}
	if got := slices.Collect(s.Rows()); !reflect.DeepEqual(got, wantRows) {
		t.Errorf("Rows =\n%+v\nwant\n%+v", got, wantRows)
	}
	if s.Len() != len(wantRows) {
		t.Errorf("Len = %d, want %d", s.Len(), len(wantRows))
	}
	if s.Changed != 2 || s.New != 2 || s.Gone != 2 || s.Unchanged != 2 {
		t.Errorf("changed, new, gone, unchanged = %d, %d, %d, %d; want 2 each", s.Changed, s.New, s.Gone, s.Unchanged)
	}
	var want [recon.NumClasses + 1][recon.NumClasses + 1]int
	p, f, ip, nf, e := recon.Pass.Index(), recon.Fail.Index(), recon.InProgress.Index(), recon.NotFound.Index(), recon.Error.Index()
	want[p][p] = 2 // p1, p2
	want[nf][p] = 1
	want[e][f] = 1
	want[NewRow][f] = 1
	want[NewRow][e] = 1
	want[nf][GoneCol] = 1
	want[ip][GoneCol] = 1
	if s.Matrix != want {
		t.Errorf("Matrix =\n%v\nwant\n%v", s.Matrix, want)
	}
	// Result can be called again, and stopping the iteration early is fine.
	if again := c.Result(); !reflect.DeepEqual(again, s) {
		t.Errorf("second Result differs")
	}
	for r := range s.Rows() {
		if r.ID != "p3" {
			t.Errorf("first row %+v", r)
		}
		break
	}
}

func TestChangesEdges(t *testing.T) {
	tests := []struct {
		name    string
		ids     []string
		classes []recon.Class
		add     map[string]recon.Class
		want    []ChangeRow
	}{
		{"no previous run: all new", nil, nil, map[string]recon.Class{"a": recon.Pass},
			[]ChangeRow{{"a", "", recon.Pass, New}}},
		{"nothing now: all gone", []string{"a"}, []recon.Class{recon.Fail}, nil,
			[]ChangeRow{{"a", recon.Fail, "", Gone}}},
		{"unknown classes count as error", []string{"a"}, []recon.Class{"MYSTERY"}, map[string]recon.Class{"a": "ODD"}, nil},
		{"ids without a class are ignored", []string{"a", "b"}, []recon.Class{recon.Pass}, map[string]recon.Class{"a": recon.Pass}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewChanges(tt.ids, tt.classes)
			for id, cl := range tt.add {
				c.Add(id, cl)
			}
			s := c.Result()
			if got := slices.Collect(s.Rows()); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Rows = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestIndexedChanges: a comparison matched to this run's indexes gives the same counts,
// Matrix and rows as one built from the previous run's ids.
func TestIndexedChanges(t *testing.T) {
	prevIDs := []string{"p1", "p6", "p2", "p3", "p4", "p5"}
	prevClasses := []recon.Class{recon.Pass, recon.NotFound, recon.Pass, recon.NotFound, recon.InProgress, recon.Error}
	now := []struct {
		id  string
		now recon.Class
	}{{"n1", recon.Fail}, {"p3", recon.Pass}, {"p1", recon.Pass}, {"p2", recon.Pass}, {"n2", recon.Error}, {"p5", recon.Fail}}

	byID := NewChanges(prevIDs, prevClasses)
	before := make([]recon.Class, len(now))
	var gone []ChangeRow
	for k, id := range prevIDs {
		i := slices.IndexFunc(now, func(n struct {
			id  string
			now recon.Class
		}) bool {
			return n.id == id
		})
		if i < 0 {
			gone = append(gone, ChangeRow{ID: id, Before: prevClasses[k]})
		} else {
			before[i] = prevClasses[k]
		}
	}
	byIndex := NewIndexedChanges(before, gone)
	for i, a := range now {
		byID.Add(a.id, a.now)
		byIndex.AddAt(i, a.id, a.now)
	}
	a, b := byID.Result(), byIndex.Result()
	if a.Changed != b.Changed || a.New != b.New || a.Gone != b.Gone || a.Unchanged != b.Unchanged || a.Matrix != b.Matrix {
		t.Errorf("counts differ:\n by id    %+v\n by index %+v", a, b)
	}
	if ra, rb := slices.Collect(a.Rows()), slices.Collect(b.Rows()); !reflect.DeepEqual(ra, rb) {
		t.Errorf("rows differ:\n by id    %v\n by index %v", ra, rb)
	}
	if a.Gone != 2 || a.Changed != 2 || a.New != 2 || a.Unchanged != 2 {
		t.Errorf("counts %+v", a)
	}
}
