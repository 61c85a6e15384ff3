package cli

import (
	"os"
	"runtime/pprof"
)

// startProfiles is a hidden aid for performance work (bench/RESULTS.md): VXRECON_CPUPROFILE=F
// writes a CPU profile of the run to F, VXRECON_MEMPROFILE=F the allocation profile at its end
// (go tool pprof -sample_index=alloc_space or inuse_space). It returns the function that ends
// them; failures are ignored, a profile is never worth failing the run.
func startProfiles(getenv func(string) string) func() {
	var cpu *os.File
	if name := getenv("VXRECON_CPUPROFILE"); name != "" {
		if f, err := os.Create(name); err == nil && pprof.StartCPUProfile(f) == nil {
			cpu = f
		}
	}
	mem := getenv("VXRECON_MEMPROFILE")
	return func() {
		if cpu != nil {
			pprof.StopCPUProfile()
			cpu.Close()
		}
		if mem == "" {
			return
		}
		if f, err := os.Create(mem); err == nil {
			pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}
	}
}
