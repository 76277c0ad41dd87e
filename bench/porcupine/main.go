// Command porcupine-driver times Porcupine's CheckEvents on the shared corpus, for
// `npm run bench:checker` to print beside faultline's figures. It is built in a
// temporary directory at bench time against a Porcupine checkout (see ../porcupine.ts);
// nothing of Porcupine is kept in this repository.
//
// The histories are read with the same semantics faultline uses: a `fail` op did not
// happen (dropped); an `info` op or read may take effect at any later time or never (its
// return goes after every other event, and its output is unknown).
//
// Usage: porcupine-driver [-timeout 20s] [-per-key] <data-dir> <relative file>...
// Prints one JSON object per file: {"file", "ms", "result", "keys", "undecided"}.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"
)

// ---- the cas register of the etcd logs --------------------------------------------------

const absent = -1 << 40 // the register's "nil"

type regInput struct {
	f        string // read | write | cas
	from, to int
}

type regOutput struct {
	known bool
	value int
}

var casRegister = porcupine.Model{
	Init: func() interface{} { return absent },
	Step: func(state, input, output interface{}) (bool, interface{}) {
		s := state.(int)
		in := input.(regInput)
		out := output.(regOutput)
		switch in.f {
		case "read":
			return !out.known || out.value == s, s
		case "write":
			return true, in.to
		default: // cas
			if s == in.from {
				return true, in.to
			}
			// An indeterminate cas placed where it cannot apply is one that had no effect.
			return !out.known, s
		}
	},
	Hash: func(state interface{}) uint64 { return uint64(state.(int)) * 0x9e3779b97f4a7c15 },
}

var etcdLine = regexp.MustCompile(`^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(\w+)\s+:(read|write|cas)\s+(.+?)\s*$`)

func etcdValue(s string) int {
	if s == "nil" {
		return absent
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		panic(fmt.Sprintf("bad value %q", s))
	}
	return v
}

// ---- the kv store of the kv histories ---------------------------------------------------

type kvInput struct {
	f, key, value string
}

type kvOutput struct {
	known bool
	value string
}

var kvModel = porcupine.Model{
	PartitionEvent: func(history []porcupine.Event) [][]porcupine.Event {
		byKey := map[string][]porcupine.Event{}
		keyOf := map[int]string{}
		var order []string
		for _, e := range history {
			if e.Kind == porcupine.CallEvent {
				k := e.Value.(kvInput).key
				keyOf[e.Id] = k
				if _, ok := byKey[k]; !ok {
					order = append(order, k)
				}
			}
			k := keyOf[e.Id]
			byKey[k] = append(byKey[k], e)
		}
		var out [][]porcupine.Event
		for _, k := range order {
			out = append(out, byKey[k])
		}
		return out
	},
	Init: func() interface{} { return "" },
	Step: func(state, input, output interface{}) (bool, interface{}) {
		s := state.(string)
		in := input.(kvInput)
		out := output.(kvOutput)
		switch in.f {
		case "get":
			return !out.known || out.value == s, s
		case "put":
			return true, in.value
		default: // append
			return true, s + in.value
		}
	},
	Hash: func(state interface{}) uint64 {
		h := fnv.New64a()
		h.Write([]byte(state.(string)))
		return h.Sum64()
	},
}

var kvField = regexp.MustCompile(`:(\w+)\s+(nil|-?\d+|:[\w-]+|"(?:[^"\\]|\\.)*")`)

// ---- reading a history into events --------------------------------------------------------

type pending struct {
	id     int
	f      string
	input  interface{}
	isRead bool
}

// builder pairs invocations and completions per process into events.
type builder struct {
	events  []porcupine.Event
	open    map[int]*pending
	nextID  int
	dropped map[int]bool // ids of failed ops: their call events are removed at the end
	late    []porcupine.Event
}

func newBuilder() *builder {
	return &builder{open: map[int]*pending{}, dropped: map[int]bool{}}
}

func (b *builder) invoke(process int, f string, input interface{}, isRead bool) {
	p := &pending{id: b.nextID, f: f, input: input, isRead: isRead}
	b.nextID++
	b.open[process] = p
	b.events = append(b.events, porcupine.Event{ClientId: process, Kind: porcupine.CallEvent, Value: input, Id: p.id})
}

func (b *builder) complete(process int, typ string, output, unknown interface{}) {
	p := b.open[process]
	if p == nil {
		return
	}
	delete(b.open, process)
	switch typ {
	case "ok":
		b.events = append(b.events, porcupine.Event{ClientId: process, Kind: porcupine.ReturnEvent, Value: output, Id: p.id})
	case "fail":
		b.dropped[p.id] = true
	default: // info: may take effect any time later, output unknown
		if p.isRead {
			b.dropped[p.id] = true // an indeterminate read tells nothing
		} else {
			b.late = append(b.late, porcupine.Event{ClientId: process, Kind: porcupine.ReturnEvent, Value: unknown, Id: p.id})
		}
	}
}

func (b *builder) finish(unknown func(p *pending) interface{}) []porcupine.Event {
	for process, p := range b.open { // never completed: like info
		if p.isRead {
			b.dropped[p.id] = true
		} else {
			b.late = append(b.late, porcupine.Event{ClientId: process, Kind: porcupine.ReturnEvent, Value: unknown(p), Id: p.id})
		}
	}
	var out []porcupine.Event
	for _, e := range append(b.events, b.late...) {
		if !b.dropped[e.Id] {
			out = append(out, e)
		}
	}
	// Porcupine wants ids 0..n-1.
	renum := map[int]int{}
	for i := range out {
		id, ok := renum[out[i].Id]
		if !ok {
			id = len(renum)
			renum[out[i].Id] = id
		}
		out[i].Id = id
	}
	return out
}

func readEtcd(path string) []porcupine.Event {
	b := newBuilder()
	for _, line := range lines(path) {
		m := etcdLine.FindStringSubmatch(line)
		if m == nil {
			panic(fmt.Sprintf("%s: bad line %q", path, line))
		}
		process, _ := strconv.Atoi(m[1])
		typ, f, raw := m[2], m[3], m[4]
		if typ == "invoke" {
			in := regInput{f: f}
			switch f {
			case "write":
				in.to = etcdValue(raw)
			case "cas":
				parts := strings.Fields(strings.Trim(raw, "[]"))
				in.from, in.to = etcdValue(parts[0]), etcdValue(parts[1])
			}
			b.invoke(process, f, in, f == "read")
			continue
		}
		out := regOutput{known: true}
		if typ == "ok" && f == "read" {
			out.value = etcdValue(raw)
		}
		b.complete(process, typ, out, regOutput{})
	}
	return b.finish(func(*pending) interface{} { return regOutput{} })
}

func readKv(path string) []porcupine.Event {
	b := newBuilder()
	for _, line := range lines(path) {
		fields := map[string]string{}
		for _, m := range kvField.FindAllStringSubmatch(line, -1) {
			fields[m[1]] = m[2]
		}
		process, _ := strconv.Atoi(fields["process"])
		typ := strings.TrimPrefix(fields["type"], ":")
		f := strings.TrimPrefix(fields["f"], ":")
		key, _ := strconv.Unquote(fields["key"])
		value := ""
		if v := fields["value"]; v != "nil" {
			value, _ = strconv.Unquote(v)
		}
		if typ == "invoke" {
			b.invoke(process, f, kvInput{f: f, key: key, value: value}, f == "get")
			continue
		}
		b.complete(process, typ, kvOutput{known: true, value: value}, kvOutput{})
	}
	return b.finish(func(*pending) interface{} { return kvOutput{} })
}

func lines(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) != "" {
			out = append(out, sc.Text())
		}
	}
	return out
}

// ---- timing --------------------------------------------------------------------------------

type result struct {
	File      string  `json:"file"`
	Ms        float64 `json:"ms"`
	Result    string  `json:"result"`
	Keys      int     `json:"keys"`
	Undecided int     `json:"undecided"`
}

func name(r porcupine.CheckResult) string {
	switch r {
	case porcupine.Ok:
		return "valid"
	case porcupine.Illegal:
		return "invalid"
	}
	return "unknown"
}

func main() {
	timeout := flag.Duration("timeout", 20*time.Second, "per check")
	perKey := flag.Bool("per-key", false, "kv: check every key alone (all keys decided, like faultline's full report)")
	flag.Parse()
	dir := flag.Arg(0)
	enc := json.NewEncoder(os.Stdout)
	for _, file := range flag.Args()[1:] {
		path := filepath.Join(dir, file)
		var model porcupine.Model
		var events []porcupine.Event
		if strings.HasSuffix(file, ".log") {
			model, events = casRegister, readEtcd(path)
		} else {
			model, events = kvModel, readKv(path)
		}
		r := result{File: file, Keys: 1}
		if *perKey && model.PartitionEvent != nil {
			parts := model.PartitionEvent(events)
			r.Keys = len(parts)
			whole := porcupine.Ok
			for _, part := range parts {
				start := time.Now()
				res := porcupine.CheckEventsTimeout(model, renumber(part), *timeout)
				r.Ms += float64(time.Since(start).Microseconds()) / 1000
				if res == porcupine.Illegal {
					whole = porcupine.Illegal
				} else if res == porcupine.Unknown {
					r.Undecided++
					if whole == porcupine.Ok {
						whole = porcupine.Unknown
					}
				}
			}
			r.Result = name(whole)
		} else {
			if model.PartitionEvent != nil {
				r.Keys = len(model.PartitionEvent(events))
			}
			start := time.Now()
			res := porcupine.CheckEventsTimeout(model, events, *timeout)
			r.Ms = float64(time.Since(start).Microseconds()) / 1000
			r.Result = name(res)
		}
		if err := enc.Encode(r); err != nil {
			panic(err)
		}
	}
}

// renumber gives a partition's events ids 0..k-1, as Porcupine expects of a history.
func renumber(events []porcupine.Event) []porcupine.Event {
	out := make([]porcupine.Event, len(events))
	ids := map[int]int{}
	for i, e := range events {
		id, ok := ids[e.Id]
		if !ok {
			id = len(ids)
			ids[e.Id] = id
		}
		e.Id = id
		out[i] = e
	}
	return out
}
