# vivado_recorder.tcl -- Vivado 2023.2 command stubs that *record* a design instead of
# building it, so generated Tcl can be run under plain tclsh 8.6 and checked from pytest.
#
# Normally loaded by tests/tclrec/__init__.py through a generated driver:
#     source vivado_recorder.tcl        ;# defines stubs, renames the dangerous builtins
#     ::rec::configure <key> <value>    ;# catalog, parts, allowed dirs, ...
#     ::rec::install_canaries           ;# from here on exec/open/file/source/... are guarded
#     catch {::rec::orig::source $script} msg opts
#     ::rec::finish ... ; ::rec::dump $json_file
#
# Ground rules (see the tests in tests/test_recorder.py):
# * Each stub checks its switches against an allow-list taken from the UG835 2023.x
#   syntax (or from Vivado-written scripts where UG835 is silent).  An unknown switch, a
#   missing required switch or a wrong number of positional arguments is a Tcl error.
#   Vivado completes unique switch prefixes ("-of" == "-of_objects", UG894), so do we.
# * Every stub accepts -quiet and -verbose.  With -quiet a *semantic* error becomes a
#   recorded warning and the command returns "" (UG835: "-quiet  Ignore command
#   errors"); command-line errors still raise.
# * Objects are plain strings: the names Vivado prints (/ps7, /ps7/FCLK_CLK0, impl_1,
#   sources_1, the project name, file paths).  A registry remembers what each string
#   denotes so set_property/get_property/connect_* can tell a cell from a run.
# * Where the recorder cannot know the answer (e.g. pins of an IP it has no metadata
#   for, matched by a wildcard), it raises an error starting with "recorder:" instead
#   of inventing a plausible result.
# * Nothing here writes files except ::rec::dump (through the saved original `open`).

namespace eval ::rec {
    namespace eval orig {}
    namespace eval json {}
    # name -> {sw {switch kind ...} min N max M}; kind is "flag" or "value"
    variable specs [dict create]
    variable armed 0
    variable cfg
    array set cfg {
        allowed_dirs {} catalog {} repo_ips {} parts {} board_parts {}
        ip_params {} system_dirs {}
    }
    variable S
    # Steps of an implementation run, in order (valid -to_step values on Zynq-7000).
    variable impl_steps {init_design opt_design power_opt_design place_design
        post_place_power_opt_design phys_opt_design route_design
        post_route_phys_opt_design write_bitstream}
}

# ---------------------------------------------------------------------------
# State
# ---------------------------------------------------------------------------
proc ::rec::reset {} {
    variable S
    array unset S
    array set S {
        commands {} warnings {} messages {} violations {} unknown {} file_ops {}
        files_read {} sourced {} project {} project_log {} catalog_checks {}
        ip_catalog_updates {} designs {} design_order {} cur_design {} cur_inst /
        props {} prop_log {} runs {} run_order {} filesets {} files {}
        launches {} waits {} opened_runs {} run_resets {} reports {}
        hw_platforms {} hw_validations {} bitstreams {} automation {}
        validations {} saves {} wrappers {} files_added {} generate_targets {}
        open_design {} exit_code {} error {} error_info {} error_code {}
        script {} bd_tcl_exports {} cur_fileset sources_1 params {} ips {}
    }
}
::rec::reset

proc ::rec::configure {key value} {
    variable cfg
    switch -- $key {
        allowed_dirs {
            set cfg(allowed_dirs) {}
            foreach d $value { lappend cfg(allowed_dirs) [::rec::orig::file normalize $d] }
        }
        repo_ips {
            # dict: repository dir -> VLNVs that become visible once the dir is on
            # ip_repo_paths (the DPU is not in the stock catalog).
            set cfg(repo_ips) {}
            dict for {d vl} $value {
                dict set cfg(repo_ips) [::rec::orig::file normalize $d] $vl
            }
        }
        ip_params {
            # dict: VLNV -> allowed CONFIG parameter names (without "CONFIG.")
            set cfg(ip_params) {}
            dict for {v names} $value {
                dict set cfg(ip_params) $v [lmap n $names {string toupper $n}]
            }
        }
        catalog - parts - board_parts { set cfg($key) $value }
        default { error "rec::configure: unknown key '$key'" }
    }
}

# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------
proc ::rec::warn {msg} { variable S; lappend S(warnings) $msg }

proc ::rec::norm {path} { return [::rec::orig::file normalize $path] }

# Is the normalised form of $path equal to, or below, one of $dirs (normalised)?
proc ::rec::within {path dirs} {
    set p [norm $path]
    foreach d $dirs {
        if {$d eq "/" || $p eq $d || [string first "$d/" $p] == 0} { return 1 }
    }
    return 0
}

# Integer parser for Vivado numbers: 0x.. hex, decimal, and 4K/16M/1G sizes.
proc ::rec::to_int {s what} {
    set s [string trim $s]
    if {[regexp {^0[xX]([0-9a-fA-F]+)$} $s -> h]} { return [expr {wide(0) + "0x$h"}] }
    if {[regexp {^[0-9]+$} $s]} { return [scan $s %lld] }
    if {[regexp {^([0-9]+)\s*([KkMmGgTt])$} $s -> n u]} {
        set sh [dict get {K 10 M 20 G 30 T 40} [string toupper $u]]
        return [expr {[scan $n %lld] << $sh}]
    }
    error "invalid $what '$s' (expected 0x hex, decimal or a size like 16M)"
}

proc ::rec::is_pow2 {n} { expr {$n > 0 && ($n & ($n - 1)) == 0} }

# Flatten positional arguments: each may itself be a list of objects/patterns.
proc ::rec::flat {pos} { return [concat {*}$pos] }

proc ::rec::opt {o key {default ""}} {
    if {[dict exists $o $key]} { return [dict get $o $key] }
    return $default
}

proc ::rec::has_glob {s} { expr {[string first * $s] >= 0 || [string first ? $s] >= 0} }

# Name matching shared by the get_* commands: glob by default, anchored regexp with
# -regexp (Vivado anchors its regular expressions), case folding with -nocase.
proc ::rec::name_match {pattern name o} {
    set nocase [dict exists $o -nocase]
    if {[dict exists $o -regexp]} {
        if {$nocase} { return [regexp -nocase -- "^(?:$pattern)\$" $name] }
        return [regexp -- "^(?:$pattern)\$" $name]
    }
    if {$nocase} { return [string match -nocase $pattern $name] }
    return [string match $pattern $name]
}

# ---------------------------------------------------------------------------
# Command definition and strict switch parsing
# ---------------------------------------------------------------------------
# defcmd name {-sw kind ...} min max body
#   Defines ::name as a recording stub.  body runs as proc ::rec::cmd_<name> {o pos}
#   with o = dict of given switches (canonical name -> value, flags -> 1) and pos =
#   positional args.  max < 0 means unlimited.
proc ::rec::defcmd {name switches min max body} {
    variable specs
    set sw [dict create -quiet flag -verbose flag]
    foreach {s k} $switches {
        if {$k ni {flag value}} { error "defcmd $name: bad kind $k for $s" }
        dict set sw $s $k
    }
    dict set specs $name [dict create sw $sw min $min max $max]
    set safe [string map {:: __} $name]
    proc ::rec::cmd_$safe {o pos} $body
    if {[string first :: $name] > 0} {
        namespace eval ::[namespace qualifiers $name] {}
    }
    proc ::$name args [format {::rec::dispatch %s $args} [list $name]]
}

proc ::rec::dispatch {name argv} {
    variable S
    lappend S(commands) [list $name $argv]
    lassign [parse $name $argv] o pos
    set safe [string map {:: __} $name]
    set code [catch {cmd_$safe $o $pos} res ropts]
    if {$code == 1} {
        if {[dict exists $o -quiet]} {
            warn "$name -quiet suppressed: $res"
            return ""
        }
        return -code error -errorcode [dict get $ropts -errorcode] $res
    }
    return $res
}

proc ::rec::resolve_switch {name a allowed} {
    if {$a in $allowed} { return $a }
    set m [lsearch -all -inline $allowed "$a*"]
    if {[llength $m] == 1} { return [lindex $m 0] }
    if {[llength $m] > 1} {
        error "$name: ambiguous option '$a' (could be [join [lsort $m] {, }])"
    }
    error "$name: Unknown option '$a'; allowed: [join [lsort $allowed] { }]"
}

proc ::rec::parse {name argv} {
    variable specs
    set sp [dict get $specs $name]
    set sw [dict get $sp sw]
    set o [dict create]
    set pos {}
    set n [llength $argv]
    for {set i 0} {$i < $n} {incr i} {
        set a [lindex $argv $i]
        # A word is a switch if it looks like one; values such as "-1" or
        # "-mode out_of_context" (contains a space) stay positional.
        if {[regexp {^-[A-Za-z_][A-Za-z0-9_]*$} $a]} {
            set full [resolve_switch $name $a [dict keys $sw]]
            if {[dict exists $o $full]} { error "$name: option $full given twice" }
            if {[dict get $sw $full] eq "value"} {
                if {$i + 1 >= $n} { error "$name: option $full requires a value" }
                dict set o $full [lindex $argv [incr i]]
            } else {
                dict set o $full 1
            }
        } else {
            lappend pos $a
        }
    }
    set min [dict get $sp min]
    set max [dict get $sp max]
    if {[llength $pos] < $min} {
        error "$name: missing required argument(s): got [llength $pos] positional, need $min"
    }
    if {$max >= 0 && [llength $pos] > $max} {
        error "$name: too many positional arguments: [join $pos { }]"
    }
    return [list $o $pos]
}

proc ::rec::need {name o sw} {
    if {![dict exists $o $sw]} { error "$name: missing required option $sw" }
    return [dict get $o $sw]
}

# Switch dict as JSON: flags -> true, values -> strings.
proc ::rec::sw_json {name o} {
    variable specs
    set sw [dict get $specs $name sw]
    set items {}
    dict for {k v} $o {
        if {[dict get $sw $k] eq "flag"} {
            lappend items $k true
        } else {
            lappend items $k [json::str $v]
        }
    }
    return [json::obj {*}$items]
}

# ---------------------------------------------------------------------------
# JSON writer (tclsh 8.6 has no json package by default)
# ---------------------------------------------------------------------------
namespace eval ::rec::json {
    variable map {}
    for {set i 0} {$i < 32} {incr i} {
        dict set map [format %c $i] [format {\u%04x} $i]
    }
    dict set map "\n" {\n}
    dict set map "\t" {\t}
    dict set map "\r" {\r}
    dict set map "\\" {\\}
    dict set map "\"" {\"}
}
# Most strings need no escaping: the regexp test is far cheaper than string map's walk of
# every character against all 37 keys.
proc ::rec::json::str {s} {
    if {![regexp {[\x00-\x1f"\\]} $s]} { return "\"$s\"" }
    variable map
    return "\"[string map $map $s]\""
}
proc ::rec::json::num {n} {
    if {[regexp {^-?(0|[1-9][0-9]*)$} $n]} { return $n }
    if {$n eq ""} { return null }
    return [str $n]
}
proc ::rec::json::bool {b} { expr {[string is true -strict $b] ? "true" : "false"} }
proc ::rec::json::arr {items} { return "\[[join $items ,]\]" }
# obj k1 jsonv1 k2 jsonv2 ...
proc ::rec::json::obj {args} {
    set parts {}
    foreach {k v} $args { lappend parts "[str $k]:$v" }
    return "\{[join $parts ,]\}"
}
proc ::rec::json::strs {list} { return [arr [lmap x $list {str $x}]] }
proc ::rec::json::strdict {d} {
    set items {}
    dict for {k v} $d { lappend items $k [str $v] }
    return [obj {*}$items]
}
proc ::rec::json::strornull {s} { expr {$s eq "" ? "null" : [str $s]} }

# ---------------------------------------------------------------------------
# Object registry and properties
# ---------------------------------------------------------------------------
# What does the string $obj denote?  Returns a Vivado class name (bd_cell, bd_pin,
# bd_intf_pin, bd_port, bd_intf_port, bd_net, bd_intf_net, bd_addr_space,
# bd_addr_seg, run, fileset, project, file, bd_design, ipdef, part, board_part) or "".
proc ::rec::kind_of {obj} {
    variable S
    variable cfg
    if {[string index $obj 0] eq "/"} {
        set k [bd_kind $obj]
        if {$k ne ""} { return $k }
        if {[dict exists $S(files) $obj]} { return file }
        return ""
    }
    if {[dict exists $S(runs) $obj]} { return run }
    if {[dict exists $S(filesets) $obj]} { return fileset }
    if {$S(project) ne "" && [dict get $S(project) name] eq $obj} { return project }
    if {[dict exists $S(designs) $obj]} { return bd_design }
    if {[dict exists $S(ips) $obj]} { return ip }
    if {$obj in [catalog_now]} { return ipdef }
    if {$obj in $cfg(parts)} { return part }
    if {[dict exists $cfg(board_parts) $obj]} { return board_part }
    return ""
}

# In Vivado a master's address space shares its name with the master's interface pin
# (dpu/DPU0_M_AXI_DATA0, UG835). Strings cannot carry the object type, so where a
# command asks for an address space, a name that is a known space counts as one.
proc ::rec::is_space {obj} {
    expr {[kind_of $obj] eq "bd_addr_space" || [dhas spaces $obj]}
}

proc ::rec::pkey {kind obj} {
    variable S
    if {[string match bd_* $kind] && $kind ne "bd_design"} {
        return [list $kind $S(cur_design) $obj]
    }
    return [list $kind {} $obj]
}

# Property names are case-insensitive in Vivado: stored under the upper-case name,
# with the spelling the script used kept beside the value.
proc ::rec::prop_set {kind obj name value} {
    variable S
    set k [pkey $kind $obj]
    dict set S(props) $k [string toupper $name] [list $name $value]
    lappend S(prop_log) [list $kind $obj $name $value [lindex $k 1]]
}

proc ::rec::user_props {kind obj} {
    variable S
    set k [pkey $kind $obj]
    set out [dict create]
    if {[dict exists $S(props) $k]} {
        dict for {u nv} [dict get $S(props) $k] { dict set out $u [lindex $nv 1] }
    }
    return $out
}

proc ::rec::user_prop {kind obj name {default ""}} {
    set p [user_props $kind $obj]
    set u [string toupper $name]
    if {[dict exists $p $u]} { return [dict get $p $u] }
    return $default
}

# All properties (built-in ones the recorder can answer + the ones the script set).
proc ::rec::all_props {kind obj} {
    return [dict merge [builtin_props $kind $obj] [user_props $kind $obj]]
}

proc ::rec::builtin_props {kind obj} {
    variable S
    variable cfg
    set p [dict create NAME $obj CLASS $kind]
    switch -- $kind {
        project {
            dict set p DIRECTORY [dict get $S(project) dir]
            dict set p PART [project_part]
            dict set p BOARD_PART [user_prop project $obj BOARD_PART]
            dict set p TARGET_LANGUAGE Verilog
        }
        run {
            set r [dict get $S(runs) $obj]
            dict set p FLOW [dict get $r flow]
            dict set p PARENT [dict get $r parent]
            dict set p PART [project_part]
            dict set p IS_IMPLEMENTATION [expr {[dict get $r type] eq "impl"}]
            dict set p IS_SYNTHESIS [expr {[dict get $r type] eq "synth"}]
            dict set p STRATEGY [expr {[dict get $r type] eq "impl"
                ? "Vivado Implementation Defaults" : "Vivado Synthesis Defaults"}]
            dict set p NEEDS_REFRESH 0
            if {$S(project) ne ""} {
                set pr $S(project)
                dict set p DIRECTORY [file_join [dict get $pr dir] \
                    "[dict get $pr name].runs" $obj]
            }
            set p [dict merge $p [run_status $obj]]
        }
        fileset {
            dict set p FILESET_TYPE [dict get $S(filesets) $obj type]
        }
        file {
            dict set p FILE_TYPE [dict get $S(files) $obj type]
            dict set p FILESET [dict get $S(files) $obj fileset]
        }
        ip {
            dict set p IPDEF [dict get $S(ips) $obj vlnv]
            dict set p IS_BD_CONTEXT 1
        }
        ipdef {
            lassign [split $obj :] v l n ver
            set p [dict merge $p [dict create NAME $n VLNV $obj VENDOR $v LIBRARY $l \
                VERSION $ver DISPLAY_NAME $n]]
        }
        board_part {
            lassign [split $obj :] v n c fv
            set p [dict merge $p [dict create VENDOR $v BOARD_NAME $n FILE_VERSION $fv \
                PART_NAME [dict get $cfg(board_parts) $obj]]]
        }
        bd_design {
            dict set p FILE_NAME [file tail [dict get $S(designs) $obj file]]
        }
        default {
            if {[string match bd_* $kind]} { set p [dict merge $p [bd_builtin_props $kind $obj]] }
        }
    }
    return $p
}

proc ::rec::file_join {args} { return [::rec::orig::file join {*}$args] }

# ---------------------------------------------------------------------------
# -filter expressions: PROP op value joined with && || ! and parentheses.
# Ops: == != =~ !~ (glob) < > <= >= (numeric); a bare PROP tests truthiness.
# Each comparison is evaluated here and replaced by 0/1, then [expr] combines them.
# ---------------------------------------------------------------------------
proc ::rec::filter_match {kind obj filter} {
    set props [all_props $kind $obj]
    set out ""
    set s [string trim $filter]
    set re {^\s*(?:(\(|\)|&&|\|\|)|(!)(?![=~])|([A-Za-z_][A-Za-z0-9_.]*)\s*(==|!=|=~|!~|<=|>=|<|>)\s*("[^"]*"|\{[^\}]*\}|[^\s()&|]+)|([A-Za-z_][A-Za-z0-9_.]*))}
    while {[string trim $s] ne ""} {
        if {![regexp $re $s all paren bang prop op val bare]} {
            error "recorder: cannot parse -filter expression '$filter' near '[string trim $s]'"
        }
        set s [string range $s [string length $all] end]
        if {$paren ne ""} { append out " $paren " ; continue }
        if {$bang ne ""} { append out " ! " ; continue }
        if {$bare ne ""} {
            set u [string toupper $bare]
            set v [expr {[dict exists $props $u] ? [dict get $props $u] : ""}]
            append out [expr {[string is true -strict $v] ? " 1 " : " 0 "}]
            continue
        }
        if {[string index $val 0] in {\" \{}} { set val [string range $val 1 end-1] }
        set u [string toupper $prop]
        set has [dict exists $props $u]
        set v [expr {$has ? [dict get $props $u] : ""}]
        switch -- $op {
            == { set r [expr {$has && $v eq $val}] }
            != { set r [expr {!$has || $v ne $val}] }
            =~ { set r [expr {$has && [string match $val $v]}] }
            !~ { set r [expr {!$has || ![string match $val $v]}] }
            default {
                if {!$has || ![string is double -strict $v] || ![string is double -strict $val]} {
                    set r 0
                } else {
                    set r [expr "\$v $op \$val"]
                }
            }
        }
        append out " $r "
    }
    if {[string trim $out] eq ""} { return 1 }
    if {[catch {expr $out} r]} {
        error "recorder: bad -filter expression '$filter'"
    }
    return $r
}

# Apply -filter (if given) to a list of objects of one kind.
proc ::rec::apply_filter {o kind objs} {
    if {![dict exists $o -filter]} { return $objs }
    set f [dict get $o -filter]
    return [lmap x $objs { expr {[filter_match $kind $x $f] ? $x : [continue]} }]
}

# Shared tail of every get_* command: filter, warn on no match, return.
proc ::rec::get_result {name o kind objs patterns} {
    set objs [apply_filter $o $kind $objs]
    if {[llength $objs] == 0 && ![dict exists $o -quiet]} {
        warn "$name: no objects matched '[join $patterns { }]'"
    }
    return $objs
}

# ---------------------------------------------------------------------------
# Project, filesets, files, IP catalog
# ---------------------------------------------------------------------------
proc ::rec::need_project {name} {
    variable S
    if {$S(project) eq ""} { error "$name: No open project" }
}

proc ::rec::project_part {} {
    variable S
    if {$S(project) eq ""} { return "" }
    return [dict get $S(project) part]
}

proc ::rec::check_part {name part} {
    variable cfg
    if {[llength $cfg(parts)] && $part ni $cfg(parts)} {
        error "$name: part '$part' not found (recorder part list: [join $cfg(parts) {, }])"
    }
}

proc ::rec::new_project {name dir part how o} {
    variable S
    if {$S(project) ne ""} {
        warn "$how: project '[dict get $S(project) name]' replaced by '$name'"
    }
    set S(project) [dict create name $name dir [norm $dir] dir_given $dir part $part \
        in_memory [dict exists $o -in_memory] force [dict exists $o -force] how $how]
    lappend S(project_log) [list $how $name [norm $dir] $part]
    set S(runs) {}
    set S(run_order) {}
    add_run synth_1 "Vivado Synthesis 2023" "" synth
    add_run impl_1 "Vivado Implementation 2023" synth_1 impl
    set S(filesets) [dict create sources_1 {type DesignSrcs} constrs_1 {type Constrs} \
        sim_1 {type SimulationSrcs} utils_1 {type Utils}]
    set S(cur_fileset) sources_1
    set S(cur_design) {}
    set S(open_design) {}
}

::rec::defcmd create_project {-part value -force flag -in_memory flag -ip flag -rtl_kernel flag} 0 2 {
    set name [lindex $pos 0]
    if {$name eq ""} {
        if {![dict exists $o -in_memory]} { error "create_project: missing project name" }
        set name project_1
    }
    set dir [expr {[llength $pos] > 1 ? [lindex $pos 1] : "."}]
    set part [opt $o -part]
    if {$part ne ""} { check_part create_project $part }
    new_project $name $dir $part create_project $o
    return $name
}

::rec::defcmd open_project {-read_only flag -part value} 1 1 {
    set f [lindex $pos 0]
    new_project [file rootname [file tail $f]] [file dirname $f] [opt $o -part] open_project $o
    return [file rootname [file tail $f]]
}

::rec::defcmd close_project {-delete flag} 0 0 {
    variable S
    need_project close_project
    lappend S(project_log) [list close_project [dict get $S(project) name] "" ""]
    set S(project) {}
    set S(open_design) {}
    set S(cur_design) {}
    return ""
}

::rec::defcmd save_project_as {-force flag -exclude_run_results flag -include_local_ip_cache flag -scan_for_includes flag} 1 2 {
    variable S
    need_project save_project_as
    lappend S(project_log) [list save_project_as [lindex $pos 0] [norm [lindex $pos 1]] ""]
    return [lindex $pos 0]
}

::rec::defcmd current_project {} 0 1 {
    variable S
    need_project current_project
    if {[llength $pos] && [lindex $pos 0] ne [dict get $S(project) name]} {
        error "current_project: project '[lindex $pos 0]' is not open"
    }
    return [dict get $S(project) name]
}

::rec::defcmd get_projects {-regexp flag -nocase flag -filter value} 0 -1 {
    variable S
    set pats [flat $pos]
    if {![llength $pats]} { set pats * }
    set out {}
    if {$S(project) ne ""} {
        set n [dict get $S(project) name]
        foreach p $pats { if {[name_match $p $n $o]} { lappend out $n; break } }
    }
    return [get_result get_projects $o project $out $pats]
}

::rec::defcmd get_filesets {-regexp flag -nocase flag -filter value -of_objects value} 0 -1 {
    variable S
    need_project get_filesets
    if {[dict exists $o -of_objects]} { error "recorder: get_filesets -of_objects is not supported" }
    set pats [flat $pos]
    if {![llength $pats]} { set pats * }
    set out {}
    foreach f [dict keys $S(filesets)] {
        foreach p $pats { if {[name_match $p $f $o]} { lappend out $f; break } }
    }
    return [get_result get_filesets $o fileset $out $pats]
}

::rec::defcmd current_fileset {-constrset flag -simset flag} 0 1 {
    variable S
    need_project current_fileset
    if {[dict exists $o -constrset] && [dict exists $o -simset]} {
        error "current_fileset: -constrset and -simset are exclusive"
    }
    if {[llength $pos]} {
        set f [lindex $pos 0]
        if {![dict exists $S(filesets) $f]} { error "current_fileset: no fileset '$f'" }
        if {![dict exists $o -constrset] && ![dict exists $o -simset]} { set S(cur_fileset) $f }
        return $f
    }
    if {[dict exists $o -constrset]} { return constrs_1 }
    if {[dict exists $o -simset]} { return sim_1 }
    return $S(cur_fileset)
}

::rec::defcmd create_fileset {-constrset flag -simset flag -blockset flag -srcset flag -define_from value -clone_properties value} 1 1 {
    variable S
    need_project create_fileset
    set f [lindex $pos 0]
    if {[dict exists $S(filesets) $f]} { error "create_fileset: fileset '$f' already exists" }
    set type DesignSrcs
    if {[dict exists $o -constrset]} { set type Constrs }
    if {[dict exists $o -simset]} { set type SimulationSrcs }
    if {[dict exists $o -blockset]} { set type BlockSrcs }
    dict set S(filesets) $f [dict create type $type]
    return $f
}

proc ::rec::file_type {path} {
    switch -- [string tolower [file extension $path]] {
        .bd { return "Block Designs" }
        .v { return Verilog }
        .sv { return SystemVerilog }
        .vhd - .vhdl { return VHDL }
        .xdc { return XDC }
        .tcl { return TCL }
        .xci { return IP }
        default { return "" }
    }
}

# Files Vivado would have generated (bd files, wrappers) count as existing.
proc ::rec::file_exists_or_generated {p} {
    variable S
    if {[::rec::orig::file exists $p]} { return 1 }
    if {[dict exists $S(files) $p]} { return 1 }
    foreach w $S(wrappers) { if {[dict get $w path] eq $p} { return 1 } }
    return 0
}

proc ::rec::add_files_common {name o pos} {
    variable S
    need_project $name
    set fs [opt $o -fileset]
    if {$fs ne "" && ![dict exists $S(filesets) $fs]} { error "$name: no fileset '$fs'" }
    set out {}
    foreach f [flat $pos] {
        set p [norm $f]
        set on_disk [::rec::orig::file exists $p]
        if {![file_exists_or_generated $p]} {
            error "$name: File '$p' does not exist"
        }
        set target [expr {$fs ne "" ? $fs : ([file_type $p] eq "XDC" ? "constrs_1" : "sources_1")}]
        dict set S(files) $p [dict create fileset $target type [file_type $p]]
        lappend S(files_added) [dict create command $name given $f path $p fileset $fs \
            exists $on_disk switches [sw_json $name $o]]
        lappend out $p
    }
    return $out
}

::rec::defcmd add_files {-fileset value -of_objects value -cell value -norecurse flag -copy_to value -force flag -scan_for_includes flag} 0 -1 {
    return [add_files_common add_files $o $pos]
}

::rec::defcmd import_files {-fileset value -of_objects value -norecurse flag -flat flag -relative_to value -force flag} 0 -1 {
    return [add_files_common import_files $o $pos]
}

::rec::defcmd read_xdc {-unmanaged flag -mode value -ref value -cells value -no_add flag} 1 -1 {
    return [add_files_common read_xdc $o $pos]
}

::rec::defcmd get_files {-regexp flag -nocase flag -filter value -compile_order value -used_in value -references flag -all flag -of_objects value} 0 -1 {
    variable S
    need_project get_files
    set pats [flat $pos]
    if {![llength $pats]} { set pats * }
    set cands [dict keys $S(files)]
    # An IP's generated output products are listed only with -all, as in Vivado.
    if {![dict exists $o -all]} {
        set cands [lmap f $cands { expr {[dict exists $S(files) $f ip] ? [continue] : $f} }]
    }
    if {[dict exists $o -of_objects]} {
        set ofs [dict get $o -of_objects]
        set keep {}
        foreach f $cands {
            set fs [dict get $S(files) $f fileset]
            foreach ob $ofs {
                set k [kind_of $ob]
                if {$k eq "fileset"} {
                    if {$fs eq $ob} { lappend keep $f; break }
                } elseif {$k eq "file" && $ob eq $f} {
                    lappend keep $f; break
                } elseif {$k eq "ip"} {
                    if {[dict exists $S(files) $f ip] && [dict get $S(files) $f ip] eq $ob} { lappend keep $f; break }
                } elseif {$k ni {fileset file ip}} {
                    error "recorder: get_files -of_objects supports filesets, files and IPs, not '$ob'"
                }
            }
        }
        set cands $keep
    }
    # Vivado matches the pattern against the file name or its full path.
    set out {}
    foreach f $cands {
        foreach p $pats {
            if {[name_match $p $f $o] || [name_match $p [file tail $f] $o]} {
                lappend out $f; break
            }
        }
    }
    return [get_result get_files $o file $out $pats]
}

::rec::defcmd update_compile_order {-fileset value} 0 0 {
    need_project update_compile_order
    return ""
}

# IP catalog = configured stock VLNVs + VLNVs of repositories that lie at or below
# one of the project's ip_repo_paths (Vivado scans repositories recursively).
proc ::rec::ip_repo_paths {} {
    variable S
    if {$S(project) eq ""} { return {} }
    set v [user_prop project [dict get $S(project) name] IP_REPO_PATHS]
    if {$v eq ""} { set v [user_prop fileset sources_1 IP_REPO_PATHS] }
    return [lmap d $v {norm $d}]
}

proc ::rec::catalog_now {} {
    variable cfg
    set out $cfg(catalog)
    set repos [ip_repo_paths]
    dict for {dir vlnvs} $cfg(repo_ips) {
        if {[within $dir $repos]} { lappend out {*}$vlnvs }
    }
    return [lsort -unique $out]
}

::rec::defcmd update_ip_catalog {-rebuild flag -scan_changes flag -update_module_ref flag -repo_path value -add_ip value -delete_ip value -create_index flag} 0 0 {
    variable S
    lappend S(ip_catalog_updates) [sw_json update_ip_catalog $o]
    return ""
}

::rec::defcmd get_ips {-all flag -regexp flag -nocase flag -filter value -of_objects value -exclude_bd_ips flag} 0 -1 {
    variable S
    need_project get_ips
    if {[dict exists $o -of_objects]} { error "recorder: get_ips -of_objects is not supported" }
    set pats [flat $pos]
    if {![llength $pats]} { set pats * }
    set out {}
    # Every IP here is a block-design cell's: Vivado lists those with -all only.
    if {[dict exists $o -all] && ![dict exists $o -exclude_bd_ips]} {
        foreach ip [dict keys $S(ips)] {
            foreach p $pats {
                if {[name_match $p $ip $o]} { lappend out $ip; break }
            }
        }
    }
    return [get_result get_ips $o ip $out $pats]
}

::rec::defcmd get_ipdefs {-name flag -regexp flag -nocase flag -filter value -of_objects value -all flag} 0 -1 {
    variable S
    if {[dict exists $o -of_objects]} { error "recorder: get_ipdefs -of_objects is not supported" }
    set pats [flat $pos]
    if {![llength $pats]} { set pats * }
    set out {}
    foreach v [catalog_now] {
        set key [expr {[dict exists $o -name] ? [lindex [split $v :] 2] : $v}]
        foreach p $pats { if {[name_match $p $key $o]} { lappend out $v; break } }
    }
    set out [apply_filter $o ipdef $out]
    lappend S(catalog_checks) [dict create patterns $pats found $out switches [sw_json get_ipdefs $o]]
    if {![llength $out] && ![dict exists $o -quiet]} {
        warn "get_ipdefs: no IP matched '[join $pats { }]'"
    }
    return $out
}

::rec::defcmd get_parts {-regexp flag -nocase flag -filter value -of_objects value} 0 -1 {
    variable cfg
    set pats [flat $pos]
    if {![llength $pats]} { set pats * }
    set out {}
    foreach v $cfg(parts) { foreach p $pats { if {[name_match $p $v $o]} { lappend out $v; break } } }
    return [get_result get_parts $o part $out $pats]
}

::rec::defcmd get_board_parts {-regexp flag -nocase flag -filter value -of_objects value -latest_file_version flag -latest_hw_revision flag} 0 -1 {
    variable cfg
    set pats [flat $pos]
    if {![llength $pats]} { set pats * }
    set out {}
    foreach v [dict keys $cfg(board_parts)] {
        foreach p $pats { if {[name_match $p $v $o]} { lappend out $v; break } }
    }
    return [get_result get_board_parts $o board_part $out $pats]
}

# ---------------------------------------------------------------------------
# Block designs
# ---------------------------------------------------------------------------
# One dict per design in S(designs): file, cells {path {vlnv type}}, ports, intf_ports,
# pins / ipins (pins and interface pins seen or created), nets {path pins},
# pin2net, intf_nets {path {a b}}, ipin2net {pin nets}, spaces, segs (slave
# segments), addrs {master-segment path {space seg offset range ...}}.
proc ::rec::D {} {
    variable S
    if {$S(cur_design) eq ""} { error "No current block design (create_bd_design/open_bd_design first)" }
    return $S(cur_design)
}
proc ::rec::dhas {args} { variable S; dict exists $S(designs) [D] {*}$args }
proc ::rec::dget {args} {
    variable S
    set d [D]
    if {[dict exists $S(designs) $d {*}$args]} { return [dict get $S(designs) $d {*}$args] }
    return {}
}
proc ::rec::dset {args} { variable S; dict set S(designs) [D] {*}$args }
proc ::rec::dkeys {field} { dict keys [dget $field] }

# Absolute bd path of a name given relative to the current bd instance.
proc ::rec::bd_abs {name} {
    variable S
    if {[string index $name 0] eq "/"} {
        set p $name
    } elseif {$S(cur_inst) eq "/"} {
        set p "/$name"
    } else {
        set p "$S(cur_inst)/$name"
    }
    regsub -all {/+} $p / p
    if {$p ne "/"} { set p [string trimright $p /] }
    return $p
}
proc ::rec::parent_of {p} {
    set i [string last / $p]
    if {$i <= 0} { return / }
    return [string range $p 0 [expr {$i - 1}]]
}
proc ::rec::leaf_of {p} { return [string range $p [expr {[string last / $p] + 1}] end] }
proc ::rec::depth {p} { llength [lsearch -all -inline -not -exact [split $p /] {}] }

proc ::rec::bd_kind {obj} {
    variable S
    if {$S(cur_design) eq ""} { return "" }
    if {$obj eq "/"} { return bd_cell }
    foreach {field kind} {cells bd_cell ports bd_port intf_ports bd_intf_port pins bd_pin
            ipins bd_intf_pin nets bd_net intf_nets bd_intf_net spaces bd_addr_space
            addrs bd_addr_seg segs bd_addr_seg} {
        if {[dhas $field $obj]} { return $kind }
    }
    return ""
}

proc ::rec::cell_type {p} {
    if {$p eq "/"} { return hier }
    if {[dhas cells $p]} { return [dget cells $p type] }
    return ""
}

proc ::rec::bd_builtin_props {kind obj} {
    set p [dict create PATH $obj NAME [leaf_of $obj]]
    switch -- $kind {
        bd_cell {
            if {$obj eq "/"} {
                dict set p TYPE hier
                dict set p NAME ""
            } else {
                dict set p TYPE [dget cells $obj type]
                dict set p VLNV [dget cells $obj vlnv]
                # The DPU's read-only derived parameters, from the IP's own formulas (dpu_ip.tcl)
                if {[string match *:dpuczdx8g:* [dget cells $obj vlnv]]} {
                    dict for {k v} [::rec::dpu::derived [::rec::dpu::user_config bd_cell $obj] [::rec::dpu::family]] {
                        dict set p CONFIG.$k $v
                    }
                }
            }
        }
        bd_port {
            foreach {k f} {DIR dir TYPE type LEFT from RIGHT to} {
                dict set p $k [dget ports $obj $f]
            }
            if {[dget ports $obj freq] ne ""} { dict set p CONFIG.FREQ_HZ [dget ports $obj freq] }
        }
        bd_intf_port {
            dict set p MODE [dget intf_ports $obj mode]
            dict set p VLNV [dget intf_ports $obj vlnv]
        }
        bd_pin {
            foreach {k f} {DIR dir TYPE type LEFT from RIGHT to} {
                if {[dhas pins $obj $f]} { dict set p $k [dget pins $obj $f] }
            }
        }
        bd_intf_pin {
            foreach {k f} {MODE mode VLNV vlnv} {
                if {[dhas ipins $obj $f]} { dict set p $k [dget ipins $obj $f] }
            }
        }
        bd_addr_seg {
            if {[dhas addrs $obj]} {
                set a [dget addrs $obj]
                if {[dict get $a offset] ne ""} {
                    dict set p OFFSET [format 0x%08X [dict get $a offset]]
                }
                if {[dict get $a range] ne ""} { dict set p RANGE [dict get $a range] }
            }
        }
    }
    return $p
}

::rec::defcmd create_bd_design {-dir value -cell value -bdsource value -mode value} 1 1 {
    variable S
    need_project create_bd_design
    set name [lindex $pos 0]
    if {[dict exists $S(designs) $name]} { error "create_bd_design: design '$name' already exists" }
    set pr $S(project)
    if {[dict exists $o -dir]} {
        set f [file_join [norm [dict get $o -dir]] $name "$name.bd"]
    } else {
        set f [file_join [dict get $pr dir] "[dict get $pr name].srcs" sources_1 bd $name "$name.bd"]
    }
    dict set S(designs) $name [dict create file $f cells {} ports {} intf_ports {} pins {} \
        ipins {} nets {} pin2net {} intf_nets {} ipin2net {} spaces {} segs {} addrs {} \
        exclusions {} auto_assign 0]
    lappend S(design_order) $name
    dict set S(files) $f [dict create fileset sources_1 type "Block Designs"]
    set S(cur_design) $name
    set S(cur_inst) /
    return $name
}

::rec::defcmd current_bd_design {} 0 1 {
    variable S
    if {[llength $pos]} {
        set n [lindex $pos 0]
        if {![dict exists $S(designs) $n]} { error "current_bd_design: no block design '$n'" }
        set S(cur_design) $n
        set S(cur_inst) /
    }
    if {$S(cur_design) eq ""} { error "current_bd_design: No current block design" }
    return $S(cur_design)
}

::rec::defcmd get_bd_designs {-regexp flag -nocase flag -filter value -of_objects value} 0 -1 {
    variable S
    set pats [flat $pos]
    if {![llength $pats]} { set pats * }
    set out {}
    foreach d $S(design_order) {
        foreach p $pats { if {[name_match $p $d $o]} { lappend out $d; break } }
    }
    return [get_result get_bd_designs $o bd_design $out $pats]
}

proc ::rec::design_of_file {name f} {
    variable S
    set p [norm $f]
    foreach d $S(design_order) {
        if {[dict get $S(designs) $d file] eq $p} { return $d }
    }
    error "$name: '$f' is not a block design file of this project"
}

::rec::defcmd open_bd_design {-auto_upgrade flag} 1 1 {
    variable S
    set S(cur_design) [design_of_file open_bd_design [lindex $pos 0]]
    set S(cur_inst) /
    return $S(cur_design)
}

::rec::defcmd close_bd_design {} 1 1 {
    variable S
    set d [lindex $pos 0]
    if {![dict exists $S(designs) $d]} { set d [design_of_file close_bd_design $d] }
    if {$S(cur_design) eq $d} { set S(cur_design) {} }
    return ""
}

::rec::defcmd current_bd_instance {} 0 1 {
    variable S
    D
    if {![llength $pos] || [lindex $pos 0] eq "."} { return $S(cur_inst) }
    set i [lindex $pos 0]
    set p [expr {$i eq ".." ? [parent_of $S(cur_inst)] : [bd_abs $i]}]
    if {[cell_type $p] ni {hier container}} {
        error "current_bd_instance: '$i' is not a hierarchical cell"
    }
    set S(cur_inst) $p
    return $p
}

# Resolve a VLNV against the catalog; a VLNV without version picks the highest.
proc ::rec::resolve_vlnv {name v} {
    set cat [catalog_now]
    if {$v in $cat} { return $v }
    if {[llength [split $v :]] == 3} {
        set m [lsearch -all -inline $cat "$v:*"]
        if {[llength $m]} { return [lindex [lsort -dictionary $m] end] }
    }
    error "$name: IP definition '$v' not found in the IP catalog (recorder catalog: [join $cat {, }])"
}

proc ::rec::check_new_bd_name {name p} {
    if {[bd_kind $p] ne ""} { error "$name: object '$p' already exists" }
    if {![regexp {^[A-Za-z_][A-Za-z0-9_]*$} [leaf_of $p]]} {
        error "$name: invalid name '[leaf_of $p]'"
    }
}

::rec::defcmd create_bd_cell {-vlnv value -type value -reference value -revision value} 1 1 {
    D
    set p [bd_abs [lindex $pos 0]]
    set parent [parent_of $p]
    if {[cell_type $parent] ni {hier container}} {
        error "create_bd_cell: parent '$parent' of '$p' is not a hierarchical cell"
    }
    check_new_bd_name create_bd_cell $p
    set type [string tolower [opt $o -type ip]]
    switch -- $type {
        ip {
            set v [resolve_vlnv create_bd_cell [need create_bd_cell $o -vlnv]]
        }
        hier - container {
            if {[dict exists $o -vlnv]} { error "create_bd_cell: -vlnv is not valid with -type $type" }
            set v ""
        }
        module - inline_hdl {
            set v ""
            need create_bd_cell $o -reference
        }
        default { error "create_bd_cell: invalid -type '$type' (ip, hier, container, module, inline_hdl)" }
    }
    dset cells $p [dict create vlnv $v type $type reference [opt $o -reference]]
    if {$type eq "ip"} {
        # Vivado makes an IP instance of each IP cell, named <bd>_<cell>_0 (hierarchy
        # separators as _); get_ips -all lists it, get_files -of_objects gives its files.
        dict set ::rec::S(ips) "[D]_[string map {/ _} [string trimleft $p /]]_0" \
            [dict create vlnv $v design [D] cell $p generated 0]
    }
    return $p
}

proc ::rec::check_dir {name d} {
    set u [string toupper $d]
    if {$u ni {I O IO}} { error "$name: invalid -dir '$d' (I, O, IO)" }
    return $u
}
proc ::rec::check_range {name o} {
    set has_from [dict exists $o -from]
    set has_to [dict exists $o -to]
    if {$has_from != $has_to} { error "$name: -from and -to must be given together" }
    if {!$has_from} { return {"" ""} }
    foreach s {-from -to} {
        if {![string is entier -strict [dict get $o $s]]} {
            error "$name: $s must be an integer, got '[dict get $o $s]'"
        }
    }
    return [list [dict get $o -from] [dict get $o -to]]
}
proc ::rec::check_type {name o} {
    set t [string tolower [opt $o -type undef]]
    if {$t ni {clk ce rst intr data undef}} {
        error "$name: invalid -type '$t' (clk, ce, rst, intr, data, undef)"
    }
    return $t
}
proc ::rec::check_mode {name m} {
    foreach k {Master Slave System MirroredMaster MirroredSlave MirroredSystem Monitor} {
        if {[string equal -nocase $k $m]} { return $k }
    }
    error "$name: invalid -mode '$m'"
}
proc ::rec::check_vlnv_syntax {name v} {
    if {![regexp {^[^:\s]+:[^:\s]+:[^:\s]+:[0-9]+(\.[0-9]+)*$} $v]} {
        error "$name: malformed VLNV '$v' (vendor:library:name:version)"
    }
}

::rec::defcmd create_bd_port {-dir value -from value -to value -type value -freq_hz value} 1 1 {
    D
    set p "/[string trimleft [lindex $pos 0] /]"
    check_new_bd_name create_bd_port $p
    set dir [check_dir create_bd_port [need create_bd_port $o -dir]]
    lassign [check_range create_bd_port $o] from to
    set type [check_type create_bd_port $o]
    set freq [opt $o -freq_hz]
    if {$freq ne "" && ![string is double -strict $freq]} {
        error "create_bd_port: -freq_hz must be a number, got '$freq'"
    }
    dset ports $p [dict create dir $dir type $type from $from to $to freq $freq]
    return $p
}

::rec::defcmd create_bd_intf_port {-vlnv value -mode value} 1 1 {
    D
    set p "/[string trimleft [lindex $pos 0] /]"
    check_new_bd_name create_bd_intf_port $p
    set mode [check_mode create_bd_intf_port [need create_bd_intf_port $o -mode]]
    set v [need create_bd_intf_port $o -vlnv]
    check_vlnv_syntax create_bd_intf_port $v
    dset intf_ports $p [dict create mode $mode vlnv $v]
    return $p
}

::rec::defcmd create_bd_pin {-dir value -from value -to value -type value} 1 1 {
    D
    set p [bd_abs [lindex $pos 0]]
    if {[cell_type [parent_of $p]] ne "hier" || [parent_of $p] eq "/"} {
        error "create_bd_pin: '[parent_of $p]' is not a hierarchical cell (use create_bd_port at the top)"
    }
    check_new_bd_name create_bd_pin $p
    set dir [check_dir create_bd_pin [need create_bd_pin $o -dir]]
    lassign [check_range create_bd_pin $o] from to
    dset pins $p [dict create created 1 dir $dir type [check_type create_bd_pin $o] from $from to $to]
    return $p
}

::rec::defcmd create_bd_intf_pin {-vlnv value -mode value} 1 1 {
    D
    set p [bd_abs [lindex $pos 0]]
    if {[cell_type [parent_of $p]] ne "hier" || [parent_of $p] eq "/"} {
        error "create_bd_intf_pin: '[parent_of $p]' is not a hierarchical cell (use create_bd_intf_port at the top)"
    }
    check_new_bd_name create_bd_intf_pin $p
    set mode [check_mode create_bd_intf_pin [need create_bd_intf_pin $o -mode]]
    set v [need create_bd_intf_pin $o -vlnv]
    check_vlnv_syntax create_bd_intf_pin $v
    dset ipins $p [dict create created 1 mode $mode vlnv $v]
    return $p
}

# --- queries ---------------------------------------------------------------
proc ::rec::of_objects_kind {name objs allowed} {
    set k ""
    foreach ob $objs {
        set kk [kind_of $ob]
        if {$kk eq ""} { error "$name: -of_objects: '$ob' is not a known object" }
        if {$k ne "" && $kk ne $k} { error "$name: -of_objects list must be of one object type" }
        set k $kk
    }
    if {$k ne "" && $k ni $allowed} {
        error "recorder: $name -of_objects of $k objects is not supported"
    }
    return $k
}

# Cells matching one pattern (non-hierarchical: same level; -hierarchical: any depth
# below the current instance, matching the local name or the relative path).
proc ::rec::match_cells {pattern o} {
    variable S
    if {$pattern eq "/"} { return [list /] }
    set ap [bd_abs $pattern]
    set out {}
    if {[dict exists $o -hierarchical]} {
        set base [expr {$S(cur_inst) eq "/" ? "" : $S(cur_inst)}]
        foreach c [dkeys cells] {
            if {$base ne "" && [string first "$base/" $c] != 0} { continue }
            set rel [string range $c [expr {[string length $base] + 1}] end]
            if {[name_match $pattern [leaf_of $c] $o] || [name_match $pattern $rel $o]} {
                lappend out $c
            }
        }
        return $out
    }
    if {![has_glob $ap] && ![dict exists $o -regexp]} {
        if {[dhas cells $ap]} { return [list $ap] }
        return {}
    }
    foreach c [dkeys cells] {
        if {[depth $c] == [depth $ap] && [name_match $ap $c $o]} { lappend out $c }
    }
    return $out
}

::rec::defcmd get_bd_cells {-regexp flag -hierarchical flag -filter value -of_objects value} 0 -1 {
    D
    set pats [flat $pos]
    set out {}
    if {[dict exists $o -of_objects]} {
        set objs [dict get $o -of_objects]
        set k [of_objects_kind get_bd_cells $objs {bd_pin bd_intf_pin bd_addr_space bd_net bd_intf_net bd_addr_seg}]
        foreach ob $objs {
            switch -- $k {
                bd_pin - bd_intf_pin - bd_addr_space { lappend out [parent_of $ob] }
                bd_addr_seg {
                    if {[dhas addrs $ob]} {
                        lappend out [parent_of [parent_of [dget addrs $ob seg]]]
                    } else {
                        lappend out [parent_of [parent_of $ob]]
                    }
                }
                bd_net { foreach p [dget nets $ob] { if {[dhas pins $p]} { lappend out [parent_of $p] } } }
                bd_intf_net { foreach p [dget intf_nets $ob] { if {[dhas ipins $p]} { lappend out [parent_of $p] } } }
            }
        }
        set out [lsort -unique $out]
    } else {
        if {![llength $pats]} { set pats * }
        foreach p $pats { lappend out {*}[match_cells $p $o] }
    }
    return [get_result get_bd_cells $o bd_cell [lsort -unique $out] $pats]
}

# get_bd_pins / get_bd_intf_pins.  field = pins | ipins.
# A literal pin name on an IP cell is accepted and remembered (the recorder has no IP
# metadata); on a hierarchical cell the pin must have been created with create_bd_*pin.
proc ::rec::get_pins_common {name field kind o pos} {
    D
    set other [expr {$field eq "pins" ? "ipins" : "pins"}]
    set pats [flat $pos]
    set out {}
    if {[dict exists $o -of_objects]} {
        set objs [dict get $o -of_objects]
        set k [of_objects_kind $name $objs {bd_cell bd_net bd_intf_net}]
        foreach ob $objs {
            switch -- $k {
                bd_cell {
                    foreach p [dkeys $field] { if {[parent_of $p] eq $ob} { lappend out $p } }
                }
                bd_net { foreach p [dget nets $ob] { if {[dhas $field $p]} { lappend out $p } } }
                bd_intf_net { foreach p [dget intf_nets $ob] { if {[dhas $field $p]} { lappend out $p } } }
            }
        }
        return [get_result $name $o $kind [lsort -unique $out] $pats]
    }
    if {![llength $pats]} { set pats * }
    foreach pat $pats {
        if {[dict exists $o -hierarchical]} {
            foreach p [dkeys $field] {
                if {[name_match $pat [leaf_of $p] $o] || [name_match $pat [string range $p 1 end] $o]} {
                    lappend out $p
                }
            }
            continue
        }
        set ap [bd_abs $pat]
        set cpat [parent_of $ap]
        set ppat [leaf_of $ap]
        if {$cpat eq "/"} { continue }
        set cells [expr {[has_glob $cpat] ? [match_cells $cpat $o] : ([dhas cells $cpat] ? [list $cpat] : {})}]
        foreach c $cells {
            set full "$c/$ppat"
            if {![has_glob $ppat] && ![dict exists $o -regexp]} {
                if {[dhas $field $full]} {
                    lappend out $full
                } elseif {[cell_type $c] eq "ip" && ![dhas $other $full]} {
                    dset $field $full [dict create created 0]
                    lappend out $full
                }
            } else {
                foreach p [dkeys $field] {
                    if {[parent_of $p] eq $c && [name_match $ppat [leaf_of $p] $o]} { lappend out $p }
                }
            }
        }
    }
    return [get_result $name $o $kind $out $pats]
}

::rec::defcmd get_bd_pins {-regexp flag -hierarchical flag -filter value -of_objects value} 0 -1 {
    return [get_pins_common get_bd_pins pins bd_pin $o $pos]
}
::rec::defcmd get_bd_intf_pins {-regexp flag -hierarchical flag -filter value -of_objects value} 0 -1 {
    return [get_pins_common get_bd_intf_pins ipins bd_intf_pin $o $pos]
}

proc ::rec::get_ports_common {name field kind netfield o pos} {
    D
    set pats [flat $pos]
    set out {}
    if {[dict exists $o -of_objects]} {
        set objs [dict get $o -of_objects]
        of_objects_kind $name $objs [list $netfield]
        foreach ob $objs {
            foreach p [dget [expr {$netfield eq "bd_net" ? "nets" : "intf_nets"}] $ob] {
                if {[dhas $field $p]} { lappend out $p }
            }
        }
        return [get_result $name $o $kind [lsort -unique $out] $pats]
    }
    if {![llength $pats]} { set pats * }
    foreach pat $pats {
        set ap "/[string trimleft $pat /]"
        foreach p [dkeys $field] { if {[name_match $ap $p $o]} { lappend out $p } }
    }
    return [get_result $name $o $kind $out $pats]
}

::rec::defcmd get_bd_ports {-regexp flag -filter value -of_objects value} 0 -1 {
    return [get_ports_common get_bd_ports ports bd_port bd_net $o $pos]
}
::rec::defcmd get_bd_intf_ports {-regexp flag -filter value -of_objects value} 0 -1 {
    return [get_ports_common get_bd_intf_ports intf_ports bd_intf_port bd_intf_net $o $pos]
}

proc ::rec::get_nets_common {name field map kind o pos} {
    D
    set pats [flat $pos]
    set out {}
    if {[dict exists $o -of_objects]} {
        set objs [dict get $o -of_objects]
        set allowed [expr {$field eq "nets" ? {bd_pin bd_port} : {bd_intf_pin bd_intf_port}}]
        of_objects_kind $name $objs $allowed
        foreach ob $objs { lappend out {*}[dget $map $ob] }
        return [get_result $name $o $kind [lsort -unique $out] $pats]
    }
    if {![llength $pats]} { set pats * }
    foreach pat $pats {
        set ap [bd_abs $pat]
        foreach n [dkeys $field] {
            if {[dict exists $o -hierarchical] ? [name_match $pat [leaf_of $n] $o] : [name_match $ap $n $o]} {
                lappend out $n
            }
        }
    }
    return [get_result $name $o $kind [lsort -unique $out] $pats]
}

::rec::defcmd get_bd_nets {-regexp flag -hierarchical flag -filter value -of_objects value} 0 -1 {
    return [get_nets_common get_bd_nets nets pin2net bd_net $o $pos]
}
::rec::defcmd get_bd_intf_nets {-regexp flag -hierarchical flag -filter value -of_objects value -boundary_type value} 0 -1 {
    return [get_nets_common get_bd_intf_nets intf_nets ipin2net bd_intf_net $o $pos]
}

# Address spaces: <ip cell>/<space> (e.g. /ps7/Data, /dpu/DPU0_M_AXI_DATA0) or an
# external interface port acting as master.
::rec::defcmd get_bd_addr_spaces {-regexp flag -hierarchical flag -filter value -of_objects value} 0 -1 {
    D
    set pats [flat $pos]
    set out {}
    if {[dict exists $o -of_objects]} {
        set objs [dict get $o -of_objects]
        of_objects_kind get_bd_addr_spaces $objs {bd_cell}
        foreach ob $objs {
            foreach s [dkeys spaces] { if {[parent_of $s] eq $ob} { lappend out $s } }
        }
        return [get_result get_bd_addr_spaces $o bd_addr_space [lsort -unique $out] $pats]
    }
    if {![llength $pats]} { set pats * }
    foreach pat $pats {
        set ap [bd_abs $pat]
        if {[dhas intf_ports $ap]} { dset spaces $ap 1; lappend out $ap; continue }
        set c [parent_of $ap]
        if {![has_glob $ap] && ![dict exists $o -regexp]} {
            if {[dhas spaces $ap] || [cell_type $c] eq "ip"} { dset spaces $ap 1; lappend out $ap }
        } else {
            foreach s [dkeys spaces] { if {[name_match $ap $s $o]} { lappend out $s } }
        }
    }
    return [get_result get_bd_addr_spaces $o bd_addr_space $out $pats]
}

# Address segments: slave segments <ip cell>/<interface>/<segment>
# (/dpu/S_AXI/reg0, /ps7/S_AXI_HP0/HP0_DDR_LOWOCM) and the master segments that
# assign_bd_address creates (<space>/SEG_<cell>_<segment>).
::rec::defcmd get_bd_addr_segs {-regexp flag -hierarchical flag -filter value -of_objects value -excluded flag -addressed flag -unaddressed flag -addressing flag -addressables flag} 0 -1 {
    D
    foreach f {-addressed -unaddressed -addressing -addressables} {
        if {[dict exists $o $f]} { error "recorder: get_bd_addr_segs $f is not supported" }
    }
    set pats [flat $pos]
    set out {}
    if {[dict exists $o -of_objects]} {
        set objs [dict get $o -of_objects]
        set k [of_objects_kind get_bd_addr_segs $objs {bd_addr_space bd_addr_seg}]
        foreach ob $objs {
            dict for {key a} [dget addrs] {
                if {($k eq "bd_addr_space" && [dict get $a space] eq $ob)
                        || ($k eq "bd_addr_seg" && [dict get $a seg] eq $ob)} {
                    lappend out $key
                }
            }
        }
    } else {
        if {![llength $pats]} { set pats * }
        foreach pat $pats {
            set ap [bd_abs $pat]
            if {![has_glob $ap] && ![dict exists $o -regexp]} {
                if {[dhas addrs $ap] || [dhas segs $ap]} { lappend out $ap; continue }
                set owner [parent_of [parent_of $ap]]
                if {[depth $ap] >= 3 && [cell_type $owner] eq "ip"} {
                    dset segs $ap 1
                    lappend out $ap
                } elseif {[depth $ap] == 2 && [dhas intf_ports [parent_of $ap]]} {
                    dset segs $ap 1
                    lappend out $ap
                }
            } else {
                foreach s [concat [dkeys addrs] [dkeys segs]] {
                    if {[name_match $ap $s $o]} { lappend out $s }
                }
            }
        }
    }
    if {[dict exists $o -excluded]} {
        set out [lmap s $out { expr {[dhas addrs $s] && [dget addrs $s excluded] ? $s : [continue]} }]
    }
    return [get_result get_bd_addr_segs $o bd_addr_seg [lsort -unique $out] $pats]
}

# --- connections -----------------------------------------------------------
proc ::rec::unique_name {field base} {
    set n $base
    set i 0
    while {[dhas $field $n]} { set n "${base}_[incr i]" }
    return $n
}

# Default net name: <cell>_<pin> for a pin, the port name for a port (Vivado style).
proc ::rec::auto_net_name {obj} {
    set c [parent_of $obj]
    if {$c eq "/"} { return [leaf_of $obj] }
    return "[leaf_of $c]_[leaf_of $obj]"
}

::rec::defcmd connect_bd_intf_net {-intf_net value -boundary_type value} 2 2 {
    D
    set objs [flat $pos]
    if {[llength $objs] != 2} {
        error "connect_bd_intf_net: needs exactly two interface objects, got [llength $objs]: '$objs'"
    }
    foreach ob $objs {
        set k [kind_of $ob]
        if {$k in {bd_pin bd_port}} {
            error "connect_bd_intf_net: '$ob' is not an interface pin/port (use connect_bd_net)"
        }
        if {$k ni {bd_intf_pin bd_intf_port}} {
            error "connect_bd_intf_net: '$ob' is not a known interface pin or port (get_bd_intf_pins/get_bd_intf_ports)"
        }
        # IP interface pins and external ports take one interface net; a hierarchical
        # pin may take one inside and one outside.
        set limit [expr {$k eq "bd_intf_pin" && [cell_type [parent_of $ob]] eq "hier" ? 2 : 1}]
        if {[llength [dget ipin2net $ob]] >= $limit} {
            error "connect_bd_intf_net: '$ob' is already connected to [dget ipin2net $ob]"
        }
    }
    lassign $objs a b
    if {$a eq $b} { error "connect_bd_intf_net: cannot connect '$a' to itself" }
    if {[dict exists $o -intf_net]} {
        set n [bd_abs [dict get $o -intf_net]]
        if {[dhas intf_nets $n]} { error "connect_bd_intf_net: interface net '$n' already exists" }
    } else {
        set n [unique_name intf_nets [bd_abs [auto_net_name $a]]]
    }
    dset intf_nets $n [list $a $b]
    foreach ob $objs { dset ipin2net $ob [concat [dget ipin2net $ob] [list $n]] }
    return $n
}

::rec::defcmd connect_bd_net {-net value} 1 -1 {
    D
    # De-duplicate but keep the order given: the first object names the net.
    set objs {}
    foreach ob [flat $pos] { if {$ob ni $objs} { lappend objs $ob } }
    foreach ob $objs {
        set k [kind_of $ob]
        if {$k in {bd_intf_pin bd_intf_port}} {
            error "connect_bd_net: '$ob' is an interface object (use connect_bd_intf_net)"
        }
        if {$k ni {bd_pin bd_port}} {
            error "connect_bd_net: '$ob' is not a known pin or port (get_bd_pins/get_bd_ports)"
        }
    }
    set existing {}
    foreach ob $objs {
        if {[dhas pin2net $ob]} { lappend existing [dget pin2net $ob] }
    }
    set given ""
    if {[dict exists $o -net]} {
        set given [bd_abs [dict get $o -net]]
        if {[dhas nets $given]} { lappend existing $given }
    }
    set existing [lsort -unique $existing]
    # Nets are recorded as connectivity: a net inside a hierarchy and the net outside
    # joined through the hierarchy pin become one set.  Joining two nets without a
    # hierarchy pin is merged too, with a warning (Vivado's exact rule is not known).
    if {[llength $existing] > 1} {
        set via_hier 0
        foreach ob $objs {
            if {[dhas pins $ob] && [cell_type [parent_of $ob]] eq "hier"} { set via_hier 1 }
        }
        if {!$via_hier} {
            warn "connect_bd_net: merged nets [join $existing {, }]"
        }
        set n [lindex $existing 0]
        foreach other [lrange $existing 1 end] {
            dset nets $n [concat [dget nets $n] [dget nets $other]]
            dict unset ::rec::S(designs) [D] nets $other
        }
    } elseif {[llength $existing] == 1} {
        set n [lindex $existing 0]
    } elseif {$given ne ""} {
        set n $given
    } else {
        set n [unique_name nets [bd_abs [auto_net_name [lindex $objs 0]]]]
    }
    set all [lsort -unique [concat [dget nets $n] $objs]]
    if {[llength $all] < 2} {
        error "connect_bd_net: a net needs at least two pins/ports, got '$all'"
    }
    dset nets $n $all
    foreach ob $all { dset pin2net $ob $n }
    return $n
}

# --- automation, addresses, validation --------------------------------------
# Known external interfaces created by the PS7 rule's make_external option.
set ::rec::ps7_external_vlnv {
    DDR xilinx.com:interface:ddrx_rtl:1.0
    FIXED_IO xilinx.com:display_processing_system7:fixedio_rtl:1.0
}

::rec::defcmd apply_bd_automation {-rule value -config value -dict value -opts value} 1 -1 {
    variable S
    variable ps7_external_vlnv
    D
    set rule [need apply_bd_automation $o -rule]
    set objs [flat $pos]
    foreach ob $objs {
        if {![string match bd_* [kind_of $ob]]} {
            error "apply_bd_automation: '$ob' is not a block design object"
        }
    }
    set config [opt $o -config]
    set emulated {}
    # The PS7 rule's visible effect that later commands depend on: make_external
    # creates DDR/FIXED_IO interface ports wired to the PS.  Board presets are not
    # emulated (apply_board_preset only checks that a board_part is set).
    if {$rule eq "xilinx.com:bd_rule:processing_system7" && ![catch {dict size $config}]} {
        if {[dict exists $config apply_board_preset] && [dict get $config apply_board_preset] eq "1"
                && ($S(project) eq "" || [user_prop project [dict get $S(project) name] BOARD_PART] eq "")} {
            warn "apply_bd_automation: apply_board_preset 1 but the project has no board_part"
        }
        if {[dict exists $config make_external]} {
            foreach ext [split [dict get $config make_external] ", "] {
                if {$ext eq ""} { continue }
                foreach ob $objs {
                    if {[kind_of $ob] ne "bd_cell"} { continue }
                    set port "/$ext"
                    if {[bd_kind $port] ne ""} {
                        error "apply_bd_automation: make_external: port '$port' already exists"
                    }
                    set v [expr {[dict exists $ps7_external_vlnv $ext] ? [dict get $ps7_external_vlnv $ext] : ""}]
                    dset intf_ports $port [dict create mode Master vlnv $v]
                    dset ipins "$ob/$ext" [dict create created 0]
                    set n [unique_name intf_nets [bd_abs [auto_net_name "$ob/$ext"]]]
                    dset intf_nets $n [list $port "$ob/$ext"]
                    dset ipin2net $port [list $n]
                    dset ipin2net "$ob/$ext" [list $n]
                    lappend emulated "make_external $ext"
                }
            }
        }
    }
    lappend S(automation) [dict create rule $rule config $config objects $objs \
        emulated $emulated design [D] switches [sw_json apply_bd_automation $o]]
    return ""
}

proc ::rec::addr_check {name space key offset range} {
    if {$range ne "" && ![is_pow2 $range]} {
        error "$name: range [format 0x%X $range] is not a power of two"
    }
    if {$offset ne "" && $range ne "" && $offset % $range != 0} {
        error "$name: offset [format 0x%08X $offset] is not aligned to range [format 0x%X $range]"
    }
    if {$space eq "" || $offset eq "" || $range eq ""} { return }
    dict for {k a} [dget addrs] {
        if {$k eq $key || [dict get $a space] ne $space || [dict get $a offset] eq ""
                || [dict get $a range] eq "" || [dict get $a excluded]} { continue }
        set o2 [dict get $a offset]
        set r2 [dict get $a range]
        if {$offset < $o2 + $r2 && $o2 < $offset + $range} {
            error "$name: [format 0x%08X $offset]+[format 0x%X $range] overlaps $k ([format 0x%08X $o2]+[format 0x%X $r2]) in $space"
        }
    }
}

proc ::rec::record_addr {name space seg offset range with_name how} {
    set segname [expr {$with_name ne "" ? $with_name
        : "SEG_[leaf_of [parent_of [parent_of $seg]]]_[leaf_of $seg]"}]
    set key [expr {$space ne "" ? "$space/$segname" : "/?/$segname"}]
    addr_check $name $space $key $offset $range
    dset addrs $key [dict create space $space seg $seg offset $offset range $range \
        excluded 0 how $how]
    return $key
}

::rec::defcmd assign_bd_address {-target_address_space value -boundary flag -master_boundary flag -external flag -dict value -import_from_file value -export_to_file value -export_gui_to_file value -offset value -range value -base_high value -force flag -with_name value -combine_segments flag} 0 -1 {
    D
    set segs [flat $pos]
    set space ""
    if {[dict exists $o -target_address_space]} {
        set space [lindex [dict get $o -target_address_space] 0]
        if {[llength [dict get $o -target_address_space]] != 1 || ![is_space $space]} {
            error "assign_bd_address: -target_address_space '[dict get $o -target_address_space]' is not one address space (get_bd_addr_spaces)"
        }
    }
    set offset [expr {[dict exists $o -offset] ? [to_int [dict get $o -offset] offset] : ""}]
    set range [expr {[dict exists $o -range] ? [to_int [dict get $o -range] range] : ""}]
    if {![llength $segs]} {
        if {$offset ne "" || $range ne ""} {
            error "assign_bd_address: -offset/-range need a segment argument"
        }
        dset auto_assign [expr {[dget auto_assign] + 1}]
        return ""
    }
    set out {}
    foreach seg $segs {
        if {[kind_of $seg] ne "bd_addr_seg"} {
            error "assign_bd_address: '$seg' is not a known address segment (get_bd_addr_segs)"
        }
        lappend out [record_addr assign_bd_address $space $seg $offset $range \
            [opt $o -with_name] assign_bd_address]
    }
    return $out
}

::rec::defcmd create_bd_addr_seg {-range value -offset value} 1 3 {
    D
    set range [to_int [need create_bd_addr_seg $o -range] range]
    set offset [to_int [need create_bd_addr_seg $o -offset] offset]
    if {[llength $pos] != 3} { error "create_bd_addr_seg: expected <space> <slave_segment> <name>" }
    lassign $pos space seg name
    if {![is_space $space]} { error "create_bd_addr_seg: '$space' is not an address space" }
    if {[kind_of $seg] ne "bd_addr_seg"} { error "create_bd_addr_seg: '$seg' is not an address segment" }
    return [record_addr create_bd_addr_seg $space $seg $offset $range $name create_bd_addr_seg]
}

proc ::rec::exclusion {name o pos excluded} {
    D
    set out {}
    foreach seg [flat $pos] {
        if {[dhas addrs $seg]} {
            dset addrs $seg excluded $excluded
            lappend out $seg
        } elseif {[kind_of $seg] eq "bd_addr_seg" && [dict exists $o -target_address_space]} {
            set space [dict get $o -target_address_space]
            if {![is_space $space]} { error "$name: '$space' is not an address space" }
            set key [record_addr $name $space $seg "" "" "" $name]
            dset addrs $key excluded $excluded
            lappend out $key
        } else {
            error "$name: '$seg' is not an assigned address segment"
        }
        dset exclusions [concat [dget exclusions] [list [list $name $seg]]]
    }
    return $out
}
::rec::defcmd exclude_bd_addr_seg {-target_address_space value} 0 1 { return [exclusion exclude_bd_addr_seg $o $pos 1] }
::rec::defcmd include_bd_addr_seg {-target_address_space value} 0 1 { return [exclusion include_bd_addr_seg $o $pos 0] }

::rec::defcmd validate_bd_design {-force flag -design value -include_pfm flag} 0 0 {
    variable S
    set d [expr {[dict exists $o -design] ? [dict get $o -design] : [D]}]
    if {![dict exists $S(designs) $d]} { error "validate_bd_design: no block design '$d'" }
    # Findings a real validation would flag and the recorder can see: external
    # ports nothing is connected to.  Recorded, not raised.
    set findings {}
    set dd [dict get $S(designs) $d]
    foreach p [dict keys [dict get $dd ports]] {
        if {![dict exists $dd pin2net $p]} { lappend findings "port $p is not connected" }
    }
    foreach p [dict keys [dict get $dd intf_ports]] {
        if {![dict exists $dd ipin2net $p]} { lappend findings "interface port $p is not connected" }
    }
    lappend S(validations) [dict create design $d findings $findings force [dict exists $o -force]]
    return ""
}

::rec::defcmd save_bd_design {} 0 1 {
    variable S
    set d [expr {[llength $pos] ? [lindex $pos 0] : [D]}]
    if {![dict exists $S(designs) $d]} { error "save_bd_design: no block design '$d'" }
    lappend S(saves) $d
    return ""
}

::rec::defcmd regenerate_bd_layout {-hierarchy value -layout_file value -routing flag} 0 0 {
    D
    return ""
}

::rec::defcmd write_bd_tcl {-force flag -bd_name value -no_ip_version flag -ignore_minor_versions flag -include_layout flag -exclude_layout flag -make_local flag -no_project_wrapper flag -hier_blks value -bd_folder value} 1 1 {
    variable S
    D
    lappend S(bd_tcl_exports) [dict create file [lindex $pos 0] switches [sw_json write_bd_tcl $o]]
    return ""
}

::rec::defcmd make_wrapper {-files value -top flag -testbench flag -inst_template flag -fileset value -import flag -force flag} 0 1 {
    variable S
    need_project make_wrapper
    set files [concat [opt $o -files] [flat $pos]]
    if {[llength $files] != 1} {
        error "make_wrapper: needs exactly one block design file (-files [get_files x.bd]), got '$files'"
    }
    set f [lindex $files 0]
    set d [design_of_file make_wrapper $f]
    set pr $S(project)
    set base [file_join [dict get $pr dir] "[dict get $pr name]"]
    # Where Vivado 2023.2 writes the wrapper is UNCERTAIN (UG835): the recorder
    # answers <proj>.gen/sources_1/bd/<bd>/hdl/<bd>_wrapper.v, or the imported copy
    # under <proj>.srcs/sources_1/imports/hdl/ with -import.
    if {[dict exists $o -import]} {
        set path [file_join "$base.srcs" sources_1 imports hdl "${d}_wrapper.v"]
        dict set S(files) $path [dict create fileset [opt $o -fileset sources_1] type Verilog]
    } else {
        set path [file_join "$base.gen" sources_1 bd $d hdl "${d}_wrapper.v"]
    }
    lappend S(wrappers) [dict create design $d bd_file [norm $f] path $path \
        switches [sw_json make_wrapper $o]]
    return $path
}

::rec::defcmd generate_target {-force flag} 2 -1 {
    variable S
    need_project generate_target
    set targets [lindex $pos 0]
    set objs [flat [lrange $pos 1 end]]
    if {![llength $objs]} { error "generate_target: no objects given" }
    foreach t $targets {
        if {$t ni {all synthesis simulation implementation instantiation_template example}} {
            error "generate_target: unknown target '$t'"
        }
    }
    foreach ob $objs {
        if {[kind_of $ob] ne "file"} { error "generate_target: '$ob' is not a project file (get_files)" }
    }
    lappend S(generate_targets) [dict create targets $targets objects $objs]
    foreach ob $objs {
        dict for {d info} $S(designs) {
            if {[dict get $info file] eq $ob} { ::rec::dpu::generate $d }
        }
    }
    return ""
}

# ---------------------------------------------------------------------------
# set_property / get_property
# ---------------------------------------------------------------------------
proc ::rec::set_one {kind obj name value} {
    variable S
    variable cfg
    set u [string toupper $name]
    switch -- $kind {
        bd_cell {
            if {$obj eq "/"} { error "set_property: cannot set properties on the root of the design" }
            set v [dget cells $obj vlnv]
            if {[string match CONFIG.* $u] && [dict exists $cfg(ip_params) $v]} {
                set pn [string range $u 7 end]
                if {$pn ni [dict get $cfg(ip_params) $v]} {
                    error "set_property: '$name' is not a parameter of $v (cell $obj)"
                }
            }
        }
        project {
            if {$u eq "PART"} {
                check_part set_property $value
                dict set S(project) part $value
            } elseif {$u eq "BOARD_PART"} {
                if {[dict size $cfg(board_parts)] && ![dict exists $cfg(board_parts) $value]} {
                    error "set_property: board_part '$value' not found (recorder board parts: [join [dict keys $cfg(board_parts)] {, }])"
                }
                # Setting a board part also sets the project's part (when known).
                if {[dict exists $cfg(board_parts) $value] && [dict get $cfg(board_parts) $value] ne ""} {
                    dict set S(project) part [dict get $cfg(board_parts) $value]
                }
            }
        }
        bd_addr_seg {
            if {$u in {OFFSET RANGE} && [dhas addrs $obj]} {
                set n [to_int $value [string tolower $u]]
                set a [dget addrs $obj]
                dict set a [string tolower $u] $n
                addr_check set_property [dict get $a space] $obj [dict get $a offset] [dict get $a range]
                dset addrs $obj $a
            }
        }
    }
    prop_set $kind $obj $name $value
}

# Forms: NAME VALUE objects... | -dict {K V ...} objects... |
#        -name N -value V -objects O (written by write_project_tcl)
::rec::defcmd set_property {-dict value -name value -value value -objects value} 0 -1 {
    if {[dict exists $o -dict]} {
        set pairs [dict get $o -dict]
        if {[llength $pairs] % 2} { error "set_property: -dict needs an even-length list of name value pairs" }
        set objs [flat $pos]
    } elseif {[dict exists $o -name]} {
        if {![dict exists $o -value]} { error "set_property: -name needs -value" }
        set pairs [list [dict get $o -name] [dict get $o -value]]
        set objs [flat $pos]
    } else {
        if {[llength $pos] < 3} {
            error "set_property: expected <name> <value> <objects>, got [llength $pos] argument(s)"
        }
        set pairs [lrange $pos 0 1]
        set objs [flat [lrange $pos 2 end]]
    }
    if {[dict exists $o -objects]} { lappend objs {*}[dict get $o -objects] }
    if {![llength $objs]} { error "set_property: No objects specified" }
    foreach ob $objs {
        set k [kind_of $ob]
        if {$k eq ""} { error "set_property: '$ob' is not a known object" }
        foreach {n v} $pairs { set_one $k $ob $n $v }
    }
    return ""
}

::rec::defcmd get_property {-min flag -max flag} 2 2 {
    lassign $pos name objs
    if {![llength $objs]} { error "get_property: No objects specified" }
    set u [string toupper $name]
    set out {}
    foreach ob $objs {
        set k [kind_of $ob]
        if {$k eq ""} { error "get_property: '$ob' is not a known object" }
        set p [all_props $k $ob]
        if {[dict exists $p $u]} {
            lappend out [dict get $p $u]
        } else {
            if {![dict exists $o -quiet]} { warn "get_property: property '$name' not set on $k '$ob'" }
            lappend out ""
        }
    }
    if {[llength $objs] == 1} { return [lindex $out 0] }
    return $out
}

# Only the properties the recorder knows (built-in + set by the script) are listed.
::rec::defcmd list_property {-class value -regexp flag} 0 2 {
    set ob [lindex $pos 0]
    set k [kind_of $ob]
    if {$k eq ""} { error "list_property: '$ob' is not a known object" }
    set pat [expr {[llength $pos] > 1 ? [lindex $pos 1] : "*"}]
    set out {}
    foreach u [lsort [dict keys [all_props $k $ob]]] {
        if {[name_match [string toupper $pat] $u [dict create -nocase 1 {*}[expr {[dict exists $o -regexp] ? {-regexp 1} : {}}]]]} {
            lappend out $u
        }
    }
    return $out
}

# ---------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------
proc ::rec::add_run {name flow parent type} {
    variable S
    dict set S(runs) $name [dict create flow $flow parent $parent type $type launched 0 to_step ""]
    lappend S(run_order) $name
}

# STATUS/PROGRESS/CURRENT_STEP: completed values once launched, so that scripts
# checking for "write_bitstream Complete!" / "100%" carry on.
proc ::rec::run_status {r} {
    variable S
    set d [dict get $S(runs) $r]
    if {![dict get $d launched]} {
        return [dict create STATUS "Not started" PROGRESS 0% CURRENT_STEP ""]
    }
    if {[dict get $d type] eq "synth"} {
        set step synth_design
    } else {
        set step [dict get $d to_step]
        if {$step eq ""} { set step route_design }
    }
    return [dict create STATUS "$step Complete!" PROGRESS 100% CURRENT_STEP $step]
}

proc ::rec::need_run {name r} {
    variable S
    need_project $name
    if {![dict exists $S(runs) $r]} { error "$name: run '$r' not found" }
}

::rec::defcmd get_runs {-regexp flag -nocase flag -filter value -of_objects value} 0 -1 {
    variable S
    need_project get_runs
    if {[dict exists $o -of_objects]} { error "recorder: get_runs -of_objects is not supported" }
    set pats [flat $pos]
    if {![llength $pats]} { set pats * }
    set out {}
    foreach r $S(run_order) {
        foreach p $pats { if {[name_match $p $r $o]} { lappend out $r; break } }
    }
    return [get_result get_runs $o run $out $pats]
}

::rec::defcmd current_run {-synthesis flag -implementation flag} 0 1 {
    variable S
    need_project current_run
    if {[llength $pos]} { need_run current_run [lindex $pos 0]; return [lindex $pos 0] }
    set want [expr {[dict exists $o -synthesis] ? "synth" : "impl"}]
    foreach r $S(run_order) { if {[dict get $S(runs) $r type] eq $want} { return $r } }
    return ""
}

::rec::defcmd create_run {-constrset value -parent_run value -part value -flow value -strategy value -report_strategy value -srcset value -pr_config value} 1 1 {
    variable S
    need_project create_run
    set r [lindex $pos 0]
    if {[dict exists $S(runs) $r]} { error "create_run: run '$r' already exists" }
    set flow [need create_run $o -flow]
    set parent [opt $o -parent_run]
    if {$parent ne ""} { need_run create_run $parent }
    set type [expr {[string match -nocase "*Synthesis*" $flow] ? "synth" : "impl"}]
    if {$type eq "impl" && $parent eq ""} { error "create_run: an implementation run needs -parent_run" }
    add_run $r $flow $parent $type
    foreach {sw prop} {-strategy STRATEGY -part PART -constrset CONSTRSET -srcset SRCSET} {
        if {[dict exists $o $sw]} { prop_set run $r $prop [dict get $o $sw] }
    }
    return $r
}

proc ::rec::reset_common {name runs} {
    variable S
    foreach r $runs {
        need_run $name $r
        dict set S(runs) $r launched 0
        dict set S(runs) $r to_step ""
        lappend S(run_resets) $r
    }
}
::rec::defcmd reset_run {-prev_step flag -from_step value} 1 1 { reset_common reset_run [flat $pos]; return "" }
::rec::defcmd reset_runs {-prev_step flag -from_step value} 1 -1 { reset_common reset_runs [flat $pos]; return "" }

::rec::defcmd launch_runs {-jobs value -scripts_only flag -lsf value -sge value -cluster_configuration value -dir value -to_step value -next_step flag -host value -remote_cmd value -email_to value -email_all flag -pre_launch_script value -post_launch_script value -custom_script value -force flag} 1 -1 {
    variable S
    variable impl_steps
    set runs [flat $pos]
    foreach r $runs { need_run launch_runs $r }
    if {[dict exists $o -jobs] && (![string is entier -strict [dict get $o -jobs]] || [dict get $o -jobs] < 1)} {
        error "launch_runs: -jobs must be a positive integer, got '[dict get $o -jobs]'"
    }
    if {[dict exists $o -to_step] && [dict exists $o -next_step]} {
        error "launch_runs: -to_step and -next_step are exclusive"
    }
    set step [opt $o -to_step]
    if {$step ne ""} {
        if {[llength $runs] > 1} {
            warn "launch_runs: -to_step is ignored when launching multiple runs"
        }
        foreach r $runs {
            set t [dict get $S(runs) $r type]
            if {($t eq "impl" && $step ni $impl_steps) || ($t eq "synth" && $step ne "synth_design")} {
                error "launch_runs: invalid -to_step '$step' for $t run '$r'"
            }
        }
    }
    foreach r $runs {
        # Launching a run completes its parents first (impl_1 needs synth_1).
        set chain $r
        while {[set p [dict get $S(runs) [lindex $chain end] parent]] ne ""} { lappend chain $p }
        foreach c $chain { dict set S(runs) $c launched 1 }
        if {[llength $runs] == 1} { dict set S(runs) $r to_step $step }
    }
    lappend S(launches) [dict create runs $runs jobs [opt $o -jobs] to_step $step \
        switches [sw_json launch_runs $o]]
    # Launching synthesis generates every block design's output products first.
    foreach d [dict keys $S(designs)] { ::rec::dpu::generate $d }
    return ""
}

proc ::rec::wait_common {name runs} {
    variable S
    foreach r $runs {
        need_run $name $r
        if {![dict get $S(runs) $r launched]} { warn "$name: run '$r' was not launched" }
        lappend S(waits) $r
    }
}
::rec::defcmd wait_on_run {-timeout value} 1 1 { wait_common wait_on_run [flat $pos]; return "" }
# wait_on_runs: newer spelling; whether 2023.2 has it is UNCERTAIN, accepted anyway.
::rec::defcmd wait_on_runs {-timeout value -exit_condition value} 1 -1 { wait_common wait_on_runs [flat $pos]; return "" }

::rec::defcmd open_run {-name value -pr_config value} 1 1 {
    variable S
    set r [lindex $pos 0]
    need_run open_run $r
    if {![dict get $S(runs) $r launched]} {
        error "open_run: run '$r' has not been launched, there are no results to open"
    }
    set S(open_design) $r
    lappend S(opened_runs) $r
    return $r
}

# ---------------------------------------------------------------------------
# Reports and exports
# ---------------------------------------------------------------------------
proc ::rec::need_design {name} {
    variable S
    if {$S(open_design) eq ""} {
        error "$name: No open design. Please open an elaborated, synthesized or implemented design (open_run) first"
    }
}

proc ::rec::record_report {name o} {
    variable S
    need_design $name
    set f [opt $o -file]
    lappend S(reports) [dict create command $name file $f path [expr {$f eq "" ? "" : [norm $f]}] \
        run $S(open_design) switches [sw_json $name $o]]
    return ""
}

# -pb (protobuf output) is not in UG835 but is what run-generated scripts pass.
::rec::defcmd report_utilization {-file value -append flag -pblocks value -evaluate_pblock flag -exclude_child_pblocks flag -exclude_non_assigned flag -cells value -return_string flag -slr flag -packthru flag -name value -no_primitives flag -omit_locs flag -hierarchical flag -spreadsheet_file value -spreadsheet_table value -spreadsheet_depth value -hierarchical_depth value -hierarchical_percentages flag -pb value} 0 0 {
    return [record_report report_utilization $o]
}

::rec::defcmd report_timing_summary {-check_timing_verbose flag -delay_type value -no_detailed_paths flag -setup flag -hold flag -max_paths value -nworst value -unique_pins flag -path_type value -no_reused_label flag -input_pins flag -no_pr_attribute flag -no_pblock flag -routable_nets flag -slack_lesser_than value -report_unconstrained flag -significant_digits value -no_header flag -file value -append flag -name value -return_string flag -warn_on_violation flag -datasheet flag -cells value -rpx value -pb value} 0 0 {
    if {[dict exists $o -delay_type] && [dict get $o -delay_type] ni {max min min_max}} {
        error "report_timing_summary: invalid -delay_type '[dict get $o -delay_type]' (max, min, min_max)"
    }
    if {[dict exists $o -max_paths] && (![string is entier -strict [dict get $o -max_paths]] || [dict get $o -max_paths] < 1)} {
        error "report_timing_summary: -max_paths must be an integer >= 1"
    }
    return [record_report report_timing_summary $o]
}

proc ::rec::bit_available {} {
    variable S
    if {[llength $S(bitstreams)]} { return 1 }
    dict for {r d} $S(runs) {
        if {[dict get $d launched] && [dict get $d to_step] eq "write_bitstream"} { return 1 }
    }
    return 0
}

::rec::defcmd write_bitstream {-force flag -raw_bitfile flag -no_binary_bitfile flag -mask_file flag -readback_file flag -logic_location_file flag -bin_file flag -reference_bitfile value -cell value -no_partial_bitfile flag} 1 1 {
    variable S
    need_design write_bitstream
    set f [lindex $pos 0]
    lappend S(bitstreams) [dict create file $f path [norm $f] switches [sw_json write_bitstream $o]]
    return ""
}

# File is positional in UG835 2023.2; "-file" is used by public 2023.2 scripts too.
::rec::defcmd write_hw_platform {-fixed flag -force flag -include_bit flag -include_sim_content flag -minimal flag -hw flag -hw_emu flag -file value} 0 1 {
    variable S
    need_project write_hw_platform
    if {[dict exists $o -file] == ([llength $pos] == 1)} {
        error "write_hw_platform: give the .xsa file either positionally or with -file (exactly one)"
    }
    set f [expr {[dict exists $o -file] ? [dict get $o -file] : [lindex $pos 0]}]
    if {[string tolower [file extension $f]] ne ".xsa"} {
        warn "write_hw_platform: '$f' has no .xsa extension"
    }
    set bit [bit_available]
    if {[dict exists $o -include_bit] && !$bit} {
        warn "write_hw_platform: -include_bit but no bitstream was produced (launch_runs -to_step write_bitstream / write_bitstream)"
    }
    lappend S(hw_platforms) [dict create file $f path [norm $f] bit_available $bit \
        switches [sw_json write_hw_platform $o]]
    return [norm $f]
}

::rec::defcmd validate_hw_platform {} 1 1 {
    variable S
    lappend S(hw_validations) [norm [lindex $pos 0]]
    return ""
}

# ---------------------------------------------------------------------------
# Misc
# ---------------------------------------------------------------------------
# The release the recorder plays; a test may set ::rec::vivado_version to another one.
set ::rec::vivado_version 2023.2
::rec::defcmd version {-short flag} 0 0 {
    if {[dict exists $o -short]} { return $::rec::vivado_version }
    return "Vivado v$::rec::vivado_version (64-bit)\nTcl recorder stub (tests/tclrec)"
}

proc ::rec::message {name id severity msg} {
    variable S
    set sev [string toupper $severity]
    if {$sev ni {INFO WARNING {CRITICAL WARNING} ERROR STATUS}} {
        error "$name: invalid severity '$severity'"
    }
    lappend S(messages) [list $id $sev $msg]
    # An ERROR message makes the command fail in Vivado ("'send_msg_id' failed due
    # to earlier errors", seen in Vivado logs quoted in olofk/edalize).
    if {$sev eq "ERROR"} { error "ERROR: \[$id\] $msg" }
    return ""
}
::rec::defcmd common::send_msg_id {} 3 3 { return [message send_msg_id {*}$pos] }
::rec::defcmd send_msg_id {} 3 3 { return [message send_msg_id {*}$pos] }
::rec::defcmd common::send_gid_msg {-ssname value -id value -severity value} 1 1 {
    set id "[opt $o -ssname] [need send_gid_msg $o -id]"
    return [message send_gid_msg $id [need send_gid_msg $o -severity] [lindex $pos 0]]
}
# Tool parameters (set_param board.repoPaths ..., general.maxThreads ...).
::rec::defcmd set_param {} 2 2 {
    variable S
    dict set S(params) [lindex $pos 0] [lindex $pos 1]
    return ""
}
::rec::defcmd get_param {} 1 1 {
    variable S
    set n [lindex $pos 0]
    if {![dict exists $S(params) $n]} { error "get_param: parameter '$n' was not set (recorder knows no defaults)" }
    return [dict get $S(params) $n]
}
::rec::defcmd reset_param {} 1 1 {
    variable S
    dict unset S(params) [lindex $pos 0]
    return ""
}
::rec::defcmd report_ip_status {-name value -file value -append flag -return_string flag -license_status flag} 0 0 {
    need_project report_ip_status
    return ""
}

::rec::defcmd set_msg_config {-id value -string value -severity value -limit value -new_severity value -suppress flag -regexp flag -ruleid value -source value} 0 0 {
    return ""
}

# ---------------------------------------------------------------------------
# Canaries: dangerous Tcl builtins.  The originals are kept as ::rec::orig::<name>.
# Until install_canaries arms them, the replacements pass straight through (so the
# driver can still source its config).
# ---------------------------------------------------------------------------
foreach ::rec::_c {exec open socket cd source file load exit unknown} {
    rename ::$::rec::_c ::rec::orig::$::rec::_c
}
unset ::rec::_c

proc ::rec::install_canaries {} {
    variable armed
    variable cfg
    # Tcl's own library directories (auto_load, package require of pure-Tcl packages)
    # may be sourced and read silently; broad entries such as /usr/lib are not
    # trusted, only directories whose name mentions tcl.
    set sys [list [norm [info library]]]
    foreach d [concat $::auto_path $::tcl_pkgPath] {
        if {[string match -nocase *tcl* [::rec::orig::file tail $d]]} { lappend sys [norm $d] }
    }
    set cfg(system_dirs) [lsort -unique $sys]
    set armed 1
}

proc ::rec::violate {cmd argv reason} {
    variable S
    lappend S(violations) [dict create command $cmd args $argv reason $reason]
    return -code error -errorcode [list RECORDER VIOLATION $cmd] \
        "recorder: forbidden call blocked: $cmd [join $argv { }] ($reason)"
}

proc ::exec {args} {
    if {!$::rec::armed} { return [uplevel 1 [list ::rec::orig::exec {*}$args]] }
    ::rec::violate exec $args "external programs must not run"
}
proc ::socket {args} {
    if {!$::rec::armed} { return [uplevel 1 [list ::rec::orig::socket {*}$args]] }
    ::rec::violate socket $args "no network access"
}
proc ::cd {args} {
    if {!$::rec::armed} { return [uplevel 1 [list ::rec::orig::cd {*}$args]] }
    ::rec::violate cd $args "changing directory breaks relative paths"
}
proc ::load {args} {
    if {!$::rec::armed} { return [uplevel 1 [list ::rec::orig::load {*}$args]] }
    ::rec::violate load $args "no binary extensions"
}

proc ::open {args} {
    if {!$::rec::armed} { return [uplevel 1 [list ::rec::orig::open {*}$args]] }
    set name [lindex $args 0]
    set access [expr {[llength $args] > 1 ? [lindex $args 1] : "r"}]
    if {[string index $name 0] eq "|"} { ::rec::violate open $args "pipes run external programs" }
    # Read-only: fopen-style r/rb or a POSIX flag list without write/create flags.
    set ro [expr {[regexp {^rb?$} $access] || ([string is upper -strict [join $access ""]]
        && "RDONLY" in $access && [llength [lsearch -all -inline -regexp $access {^(WRONLY|RDWR|CREAT|TRUNC|APPEND|EXCL)$}]] == 0)}]
    if {$ro} {
        lappend ::rec::S(files_read) [::rec::norm $name]
    } elseif {[::rec::within $name $::rec::cfg(allowed_dirs)]} {
        lappend ::rec::S(file_ops) [list open [::rec::norm $name] $access]
    } else {
        ::rec::violate open $args "writing outside the allowed directories"
    }
    return [uplevel 1 [list ::rec::orig::open {*}$args]]
}

proc ::source {args} {
    if {!$::rec::armed} { return [uplevel 1 [list ::rec::orig::source {*}$args]] }
    set f [lindex $args end]
    if {[llength $args] ni {1 3} || ([llength $args] == 3 && [lindex $args 0] ne "-encoding")} {
        return -code error {wrong # args: should be "source ?-encoding name? fileName"}
    }
    if {[::rec::within $f $::rec::cfg(allowed_dirs)]} {
        lappend ::rec::S(sourced) [::rec::norm $f]
    } elseif {![::rec::within $f $::rec::cfg(system_dirs)]} {
        ::rec::violate source $args "outside the allowed directories"
    }
    return [uplevel 1 [list ::rec::orig::source {*}$args]]
}

# file: mutating subcommands are allowed (and performed, and recorded) only on paths
# inside the allowed directories; everything else passes through.  Ensemble prefixes
# ("file del") are resolved first so they cannot slip past.
proc ::file {sub args} {
    if {!$::rec::armed} { return [uplevel 1 [list ::rec::orig::file $sub {*}$args]] }
    set subs {atime attributes channels copy delete dirname executable exists extension
        isdirectory isfile join link lstat mkdir mtime nativename normalize owned
        pathtype readable readlink rename rootname separator size split stat system
        tail tempfile type volumes writable}
    set full [::tcl::prefix match -error {} $subs $sub]
    set paths {}
    switch -- $full {
        mkdir { set paths $args }
        delete - rename {
            set paths [lsearch -all -inline -not -regexp $args {^-(force|-)$}]
        }
        copy {
            # Reading the sources is harmless; only the target is written.
            set paths [lrange [lsearch -all -inline -not -regexp $args {^-(force|-)$}] end end]
        }
        link { if {[llength $args] >= 2} { set paths [list [lindex $args end-1]] } }
        atime - mtime { if {[llength $args] == 2} { set paths [lrange $args 0 0] } }
        attributes { if {[llength $args] >= 3} { set paths [lrange $args 0 0] } }
        tempfile { ::rec::violate file [concat $sub $args] "temporary files outside the allowed directories" }
    }
    if {[llength $paths]} {
        foreach p $paths {
            if {![::rec::within $p $::rec::cfg(allowed_dirs)]} {
                ::rec::violate file [concat $sub $args] "$full outside the allowed directories"
            }
        }
        lappend ::rec::S(file_ops) [concat [list $full] [lmap p $paths {::rec::norm $p}]]
    }
    return [uplevel 1 [list ::rec::orig::file $sub {*}$args]]
}

# exit would end tclsh before the recording is written: record the code and unwind.
proc ::exit {{code 0}} {
    if {!$::rec::armed} { ::rec::orig::exit $code }
    set ::rec::S(exit_code) $code
    return -code error -errorcode [list RECORDER EXIT $code] "script called exit $code"
}

# Any undefined command is an error (Tcl's own lazily loaded library procs such as
# parray are still auto-loaded first).  Recorded so tests can list them.
proc ::unknown {args} {
    set name [lindex $args 0]
    if {!$::rec::armed} { return [uplevel 1 [list ::rec::orig::unknown {*}$args]] }
    if {![catch {uplevel #0 [list auto_load $name]} ok] && $ok} {
        return [uplevel 1 $args]
    }
    lappend ::rec::S(unknown) $name
    return -code error -errorcode [list TCL LOOKUP COMMAND $name] "invalid command name \"$name\""
}

# ---------------------------------------------------------------------------
# End of run: error bookkeeping and the JSON dump
# ---------------------------------------------------------------------------
proc ::rec::finish {code msg opts} {
    variable S
    if {$S(exit_code) ne ""} {
        if {$S(exit_code) != 0} {
            set S(error) "script called exit $S(exit_code)"
            set S(error_info) [dict get $opts -errorinfo]
        }
        return
    }
    switch -- $code {
        0 - 2 {}
        1 {
            set S(error) $msg
            set S(error_info) [dict get $opts -errorinfo]
            set S(error_code) [dict get $opts -errorcode]
        }
        default { set S(error) "script ended with unexpected return code $code" }
    }
}

proc ::rec::design_json {d} {
    variable S
    set dd [dict get $S(designs) $d]
    set J ::rec::json
    set cells {}
    dict for {p c} [dict get $dd cells] {
        lappend cells $p [${J}::obj vlnv [${J}::str [dict get $c vlnv]] \
            type [${J}::str [dict get $c type]] reference [${J}::str [dict get $c reference]]]
    }
    set ports {}
    dict for {p c} [dict get $dd ports] {
        lappend ports $p [${J}::obj dir [${J}::str [dict get $c dir]] type [${J}::str [dict get $c type]] \
            from [${J}::num [dict get $c from]] to [${J}::num [dict get $c to]] \
            freq_hz [${J}::strornull [dict get $c freq]]]
    }
    set iports {}
    dict for {p c} [dict get $dd intf_ports] {
        lappend iports $p [${J}::obj mode [${J}::str [dict get $c mode]] vlnv [${J}::str [dict get $c vlnv]]]
    }
    set pins {}
    foreach {field kind} {pins pin ipins intf_pin} {
        dict for {p c} [dict get $dd $field] {
            set items [list kind [${J}::str $kind]]
            dict for {k v} $c { lappend items $k [${J}::str $v] }
            lappend pins $p [${J}::obj {*}$items]
        }
    }
    set nets {}
    dict for {n ps} [dict get $dd nets] {
        lappend nets [${J}::obj name [${J}::str $n] pins [${J}::strs $ps]]
    }
    set inets {}
    dict for {n ab} [dict get $dd intf_nets] {
        lappend inets [${J}::obj name [${J}::str $n] a [${J}::str [lindex $ab 0]] b [${J}::str [lindex $ab 1]]]
    }
    set addrs {}
    dict for {k a} [dict get $dd addrs] {
        lappend addrs [${J}::obj name [${J}::str $k] space [${J}::strornull [dict get $a space]] \
            segment [${J}::str [dict get $a seg]] offset [${J}::num [dict get $a offset]] \
            range [${J}::num [dict get $a range]] excluded [${J}::bool [dict get $a excluded]] \
            command [${J}::str [dict get $a how]]]
    }
    return [${J}::obj name [${J}::str $d] file [${J}::str [dict get $dd file]] \
        cells [${J}::obj {*}$cells] ports [${J}::obj {*}$ports] intf_ports [${J}::obj {*}$iports] \
        pins [${J}::obj {*}$pins] nets [${J}::arr $nets] intf_nets [${J}::arr $inets] \
        spaces [${J}::strs [dict keys [dict get $dd spaces]]] \
        segments [${J}::strs [dict keys [dict get $dd segs]]] \
        addresses [${J}::arr $addrs] auto_assign [dict get $dd auto_assign] \
        exclusions [${J}::arr [lmap e [dict get $dd exclusions] {${J}::strs $e}]]]
}

proc ::rec::dump {path} {
    variable S
    variable cfg
    set J ::rec::json
    set props {}
    # The two largest sections (every property of every object, and every property set) are
    # written with their constant keys inline and the quoting proc named literally, so Tcl
    # resolves it once per procedure instead of once per value: the same JSON text, about half
    # the time of the obj/str composition used for the small sections below.
    dict for {k nv} $S(props) {
        lassign $k kind design obj
        set vals {}
        set names {}
        dict for {u pair} $nv {
            set ku [::rec::json::str $u]
            lappend vals "$ku:[::rec::json::str [lindex $pair 1]]"
            lappend names "$ku:[::rec::json::str [lindex $pair 0]]"
        }
        lappend props [string cat "\{\"kind\":" [::rec::json::str $kind] \
            ",\"design\":" [::rec::json::strornull $design] ",\"object\":" [::rec::json::str $obj] \
            ",\"props\":\{" [join $vals ,] "\},\"names\":\{" [join $names ,] "\}\}"]
    }
    set plog [lmap e $S(prop_log) {
        lassign $e kind obj name value design
        string cat "\{\"kind\":" [::rec::json::str $kind] ",\"object\":" [::rec::json::str $obj] \
            ",\"name\":" [::rec::json::str $name] ",\"value\":" [::rec::json::str $value] \
            ",\"design\":" [::rec::json::strornull $design] "\}"
    }]
    if {$S(project) eq ""} {
        set proj null
    } else {
        set pr $S(project)
        set proj [${J}::obj name [${J}::str [dict get $pr name]] dir [${J}::str [dict get $pr dir]] \
            dir_given [${J}::str [dict get $pr dir_given]] part [${J}::str [dict get $pr part]] \
            in_memory [${J}::bool [dict get $pr in_memory]] force [${J}::bool [dict get $pr force]] \
            how [${J}::str [dict get $pr how]]]
    }
    set runs {}
    foreach r $S(run_order) {
        set d [dict get $S(runs) $r]
        lappend runs $r [${J}::obj flow [${J}::str [dict get $d flow]] parent [${J}::str [dict get $d parent]] \
            type [${J}::str [dict get $d type]] launched [${J}::bool [dict get $d launched]] \
            to_step [${J}::str [dict get $d to_step]] status [${J}::strdict [run_status $r]]]
    }
    set filesets {}
    dict for {f d} $S(filesets) { lappend filesets $f [${J}::str [dict get $d type]] }
    set files {}
    dict for {f d} $S(files) { lappend files $f [${J}::strdict $d] }
    set fadd [lmap e $S(files_added) {
        ${J}::obj command [${J}::str [dict get $e command]] given [${J}::str [dict get $e given]] \
            path [${J}::str [dict get $e path]] fileset [${J}::strornull [dict get $e fileset]] \
            exists [${J}::bool [dict get $e exists]] switches [dict get $e switches]
    }]
    set launches [lmap e $S(launches) {
        ${J}::obj runs [${J}::strs [dict get $e runs]] jobs [${J}::num [dict get $e jobs]] \
            to_step [${J}::strornull [dict get $e to_step]] switches [dict get $e switches]
    }]
    set reports [lmap e $S(reports) {
        ${J}::obj command [${J}::str [dict get $e command]] file [${J}::strornull [dict get $e file]] \
            path [${J}::strornull [dict get $e path]] run [${J}::str [dict get $e run]] \
            switches [dict get $e switches]
    }]
    set hwp [lmap e $S(hw_platforms) {
        ${J}::obj file [${J}::str [dict get $e file]] path [${J}::str [dict get $e path]] \
            bit_available [${J}::bool [dict get $e bit_available]] switches [dict get $e switches]
    }]
    set bits [lmap e $S(bitstreams) {
        ${J}::obj file [${J}::str [dict get $e file]] path [${J}::str [dict get $e path]] \
            switches [dict get $e switches]
    }]
    set auto [lmap e $S(automation) {
        set c [dict get $e config]
        set cd [expr {[catch {dict size $c}] ? "null" : [${J}::strdict $c]}]
        ${J}::obj rule [${J}::str [dict get $e rule]] config [${J}::str $c] config_dict $cd \
            objects [${J}::strs [dict get $e objects]] emulated [${J}::strs [dict get $e emulated]] \
            design [${J}::str [dict get $e design]] switches [dict get $e switches]
    }]
    set wraps [lmap e $S(wrappers) {
        ${J}::obj design [${J}::str [dict get $e design]] bd_file [${J}::str [dict get $e bd_file]] \
            path [${J}::str [dict get $e path]] switches [dict get $e switches]
    }]
    set vals [lmap e $S(validations) {
        ${J}::obj design [${J}::str [dict get $e design]] findings [${J}::strs [dict get $e findings]] \
            force [${J}::bool [dict get $e force]]
    }]
    set checks [lmap e $S(catalog_checks) {
        ${J}::obj patterns [${J}::strs [dict get $e patterns]] found [${J}::strs [dict get $e found]] \
            switches [dict get $e switches]
    }]
    set gts [lmap e $S(generate_targets) {
        ${J}::obj targets [${J}::strs [dict get $e targets]] objects [${J}::strs [dict get $e objects]]
    }]
    set viol [lmap e $S(violations) {
        ${J}::obj command [${J}::str [dict get $e command]] args [${J}::strs [dict get $e args]] \
            reason [${J}::str [dict get $e reason]]
    }]
    set bdtcl [lmap e $S(bd_tcl_exports) {
        ${J}::obj file [${J}::str [dict get $e file]] switches [dict get $e switches]
    }]
    set cmds [lmap c $S(commands) { ${J}::arr [list [${J}::str [lindex $c 0]] [${J}::strs [lindex $c 1]]] }]
    set designs [lmap d $S(design_order) { design_json $d }]
    set top [expr {[dict exists $S(filesets) sources_1] ? [user_prop fileset sources_1 TOP] : ""}]
    set out [${J}::obj \
        script [${J}::str $S(script)] \
        error [${J}::strornull $S(error)] \
        error_info [${J}::strornull $S(error_info)] \
        error_code [${J}::strornull $S(error_code)] \
        exit_code [${J}::num $S(exit_code)] \
        commands [${J}::arr $cmds] \
        project $proj \
        project_log [${J}::arr [lmap e $S(project_log) {${J}::strs $e}]] \
        ip_repo_paths [${J}::strs [ip_repo_paths]] \
        catalog [${J}::strs [catalog_now]] \
        catalog_checks [${J}::arr $checks] \
        ip_catalog_updates [${J}::arr $S(ip_catalog_updates)] \
        properties [${J}::arr $props] \
        property_log [${J}::arr $plog] \
        designs [${J}::arr $designs] \
        current_bd_design [${J}::strornull $S(cur_design)] \
        runs [${J}::obj {*}$runs] \
        filesets [${J}::obj {*}$filesets] \
        files [${J}::obj {*}$files] \
        files_added [${J}::arr $fadd] \
        top [${J}::strornull $top] \
        launches [${J}::arr $launches] \
        waits [${J}::strs $S(waits)] \
        opened_runs [${J}::strs $S(opened_runs)] \
        run_resets [${J}::strs $S(run_resets)] \
        reports [${J}::arr $reports] \
        hw_platforms [${J}::arr $hwp] \
        hw_validations [${J}::strs $S(hw_validations)] \
        bitstreams [${J}::arr $bits] \
        automation [${J}::arr $auto] \
        validations [${J}::arr $vals] \
        saves [${J}::strs $S(saves)] \
        wrappers [${J}::arr $wraps] \
        generate_targets [${J}::arr $gts] \
        bd_tcl_exports [${J}::arr $bdtcl] \
        sourced [${J}::strs $S(sourced)] \
        violations [${J}::arr $viol] \
        unknown_commands [${J}::strs $S(unknown)] \
        warnings [${J}::strs $S(warnings)] \
        messages [${J}::arr [lmap m $S(messages) {${J}::strs $m}]] \
        file_ops [${J}::arr [lmap e $S(file_ops) {${J}::strs $e}]] \
        files_read [${J}::strs $S(files_read)] \
        params [${J}::strdict $S(params)]]
    set f [::rec::orig::open $path w]
    fconfigure $f -encoding utf-8 -translation lf
    puts $f $out
    close $f
}

# The DPU IP's derived parameters and arch.json (kept apart: it is the IP's model, not Vivado's).
source [file join [file dirname [file normalize [info script]]] dpu_ip.tcl]

proc ::rec::dpu::user_config {kind obj} {
    set out [dict create]
    dict for {k v} [::rec::user_props $kind $obj] {
        if {[string match CONFIG.* $k]} { dict set out [string range $k 7 end] $v }
    }
    return $out
}

# Output products of the design's DPU cells: the IP writes arch.json from its fingerprint
# template (DPU41-TTCL) into <proj>.gen/sources_1/bd/<bd>/ip/<ip>/ (Vivado 2023.2 layout).
# ::rec::dpu::outputs: "write" (default), "none" (a release that writes no arch.json, or
# elsewhere), or the exact text to write instead (an IP that disagrees with the script).
proc ::rec::dpu::generate {design} {
    variable outputs
    set saved $::rec::S(cur_design)
    set ::rec::S(cur_design) $design
    try {
        dict for {ip info} $::rec::S(ips) {
            if {[dict get $info design] ne $design || [dict get $info generated]
                    || ![string match *:dpuczdx8g:* [dict get $info vlnv]]} { continue }
            dict set ::rec::S(ips) $ip generated 1
            if {$outputs eq "none"} { continue }
            set text $outputs
            if {$text eq "write"} {
                set text [arch_json [user_config bd_cell [dict get $info cell]] [family]]
            }
            set pr $::rec::S(project)
            set dir [::rec::file_join [dict get $pr dir] "[dict get $pr name].gen" sources_1 bd $design ip $ip]
            ::rec::orig::file mkdir $dir
            set path [::rec::file_join $dir arch.json]
            set f [::rec::orig::open $path w]
            puts $f $text
            close $f
            dict set ::rec::S(files) $path [dict create fileset sources_1 type JSON ip $ip]
        }
    } finally {
        set ::rec::S(cur_design) $saved
    }
}

proc ::rec::dpu::family {} {
    # A Zynq-7000 part (xc7z...) is family zynq; anything else is treated as zynquplus.
    set part [::rec::project_part]
    expr {[string match -nocase xc7z* $part] ? "zynq" : "zynquplus"}
}
