# The DPUCZDX8G v4.x IP's derived parameters, for the recorder: what Vivado answers to
# get_property CONFIG.SUM_DSP_NUM / SUM_BRAM_N / SUM_URAM_N on a DPU cell, and the arch.json
# its output products hold. Transcribed independently from the IP package (not from
# hwgen's Python): the procs' expressions are the gtcl's own `expr` text
# (gui/dpuczdx8g_v4_*.gtcl, key DPU41-GTCL), the defaults those of component.xml
# (DPU41-PKG), the family values those of bd/bd.tcl `init` (DPU41-BDTCL), and the
# fingerprint the sum in ttcl/fingerprint_json.ttcl (DPU41-TTCL).

namespace eval ::rec::dpu {
    # component.xml user-parameter defaults that decide what is built (DPU41-PKG)
    variable defaults {
        ARCH 1152 ARCH_IMG_BKGRP 2 LOAD_AUGM 1 CONV_RELU_ADDON 3 ALU_PARALLEL_USER 4
        ALU_LEAKYRELU 0 SAVE_ARGMAX_ENA 1 CONV_DSP_ACCU_ENA 1 URAM_N_USER 0
        S_AXI_CLK_INDEPENDENT 1 CLK_GATING_ENA 0 VER_DPU_NUM 1 SFM_ENA 0
        DWCV_ENA 1 LOAD_PARALLEL 2 CONV_WR_PARALLEL 1 MISC_WR_PARALLEL 1
        LOAD_DSP_NUM 1 SAVE_DSP_NUM 1 SFM_DSP_NUM 14
        DBANK_IMG_N 0 DBANK_WGT_N 0 DBANK_BIAS 0
    }
    # A test may set this to make the recorder's IP disagree with the script.
    variable skew {}
    # What generate_target writes as the IP's arch.json (see ::rec::dpu::generate).
    variable outputs write
}

# bd.tcl init: ARCH is rewritten when the cell is created (1152 -> 4096, else 144), and the
# per-family values are set.
proc ::rec::dpu::init_values {family} {
    if {$family eq "zynq"} {
        return {ARCH 4096 AXI_PROTOCOL 0 ARCH_HP_BW 2 VER_CHIP_PART 1 DSP48_VER DSP48E1}
    }
    return {ARCH 4096 AXI_PROTOCOL 1 ARCH_HP_BW 3 VER_CHIP_PART 3 DSP48_VER DSP48E2 CONV_DSP_CASC_MAX 4}
}

# Every derived value from the user's CONFIG (a dict without the CONFIG. prefix).
proc ::rec::dpu::derived {user family} {
    variable defaults
    variable skew
    set P [dict merge $defaults [init_values $family] $user]
    dict with P {}
    set ARCH_PP [expr (($ARCH==64  )||($ARCH==144 )||($ARCH==256 ))?(2 ): (($ARCH==128 )||($ARCH==512 )||($ARCH==800 )||($ARCH==1152)||($ARCH==2592))?(4):(8)]
    set ARCH_ICP [expr (($ARCH==64  )||($ARCH==128 ))?(4 ): (($ARCH==144 )               )?(6 ): (($ARCH==256 )||($ARCH==512 )||($ARCH==1024))?(8 ): (($ARCH==800 )||($ARCH==1600))?(10): (($ARCH==1152)||($ARCH==2304))?(12): (               ($ARCH==3136))?(14): (($ARCH==2592)||($ARCH==5184))?(18): (               ($ARCH==4096))?(16):(12)]
    set ARCH_OCP [expr $ARCH_ICP]
    set CONV_LEAKYRELU [expr {($CONV_RELU_ADDON=={1}||$CONV_RELU_ADDON=={3})?{1}:{0}}]
    set ALU_PARALLEL [expr {($ALU_PARALLEL_USER<$ARCH_PP)?($ALU_PARALLEL_USER):($ARCH_PP)}]
    set CONV_DSP_NUM [expr ($ARCH_PP*$ARCH_ICP*$ARCH_OCP/4)+($CONV_DSP_ACCU_ENA*$ARCH_PP*$ARCH_OCP)]
    set ALU_DSP_NUM [expr ($ALU_PARALLEL*$ARCH_ICP+4) ]
    set BANK_IMG_N [expr $ARCH_IMG_BKGRP*$ARCH_PP]
    set BANK_WGT_N [expr $ARCH_OCP+$DWCV_ENA]
    set BANK_BIAS 1
    set UBANK_IMG_N [expr {($URAM_N_USER<($BANK_BIAS+$BANK_WGT_N)*(ceil($ARCH_ICP*8.0/72.0)))?(0):(($URAM_N_USER>($BANK_BIAS+$BANK_WGT_N+$BANK_IMG_N)*(ceil($ARCH_ICP*8.0/72.0)))?($BANK_IMG_N):(floor($URAM_N_USER/(ceil($ARCH_ICP*8.0/72.0)))-($BANK_BIAS+$BANK_WGT_N)))}]
    set UBANK_WGT_N [expr {($URAM_N_USER<(ceil($ARCH_ICP*8.0/72.0)))?(0):(($URAM_N_USER>($BANK_BIAS+$BANK_WGT_N)*(ceil($ARCH_ICP*8.0/72.0)))?($BANK_WGT_N):(floor($URAM_N_USER/(ceil($ARCH_ICP*8.0/72.0)))-$BANK_BIAS))}]
    set UBANK_BIAS [expr $URAM_N_USER>=(ceil($ARCH_ICP*8.0/72.0))]
    set BBANK_IMG_N [expr $BANK_IMG_N-$UBANK_IMG_N-$DBANK_IMG_N]
    set BBANK_WGT_N [expr $BANK_WGT_N-$UBANK_WGT_N-$DBANK_WGT_N]
    set BBANK_BIAS [expr $BANK_BIAS-$UBANK_BIAS-$DBANK_BIAS]
    set SUM_DSP_NUM [expr ($LOAD_DSP_NUM+$SAVE_DSP_NUM+$CONV_DSP_NUM+$ALU_DSP_NUM)*$VER_DPU_NUM+$SFM_ENA*$SFM_DSP_NUM]
    set SUM_URAM_N [expr floor($VER_DPU_NUM*($UBANK_IMG_N+$UBANK_WGT_N+$UBANK_BIAS)*ceil($ARCH_ICP*8.0/72.0))]
    set SUM_BRAM_N [expr $VER_DPU_NUM*( ($BBANK_IMG_N+$BBANK_WGT_N+$BBANK_BIAS)*ceil($ARCH_ICP*8.0/9.0)/2.0 + 0*ceil((12.0+ ceil(log($BANK_IMG_N)/log(2))+$ARCH_ICP*8.0)/36.0)/2.0 ) + $SFM_ENA*4.0]
    set out [dict create]
    foreach n {ARCH_PP ARCH_ICP ARCH_OCP ALU_PARALLEL CONV_LEAKYRELU CONV_DSP_NUM ALU_DSP_NUM
               SUM_DSP_NUM SUM_BRAM_N SUM_URAM_N} {
        dict set out $n [set $n]
    }
    return [dict merge $out $skew]
}

# ttcl/fingerprint_json.ttcl: the arch.json the IP writes into its output products.
proc ::rec::dpu::arch_json {user family} {
    variable defaults
    set P [dict merge $defaults [init_values $family] $user [derived $user $family]]
    dict with P {}
    switch -exact "${ARCH_PP}_${ARCH_ICP}_${ARCH_OCP}" {
        4_8_8 {set TM_ARCH 0} 4_10_10 {set TM_ARCH 1} 8_8_8 {set TM_ARCH 2} 4_12_12 {set TM_ARCH 3}
        8_10_10 {set TM_ARCH 4} 8_12_12 {set TM_ARCH 5} 8_14_14 {set TM_ARCH 6} 8_16_16 {set TM_ARCH 7}
        default {set TM_ARCH 15}
    }
    set fp 0
    set fp [expr $fp + 2** 0 * $TM_ARCH]
    set fp [expr $fp + 2** 8 * $ALU_PARALLEL]
    set fp [expr $fp + 2**16 * int(log($LOAD_PARALLEL)/log(2))]
    set fp [expr $fp + 2**24 * $ARCH_IMG_BKGRP]
    set fp [expr $fp + 2**26 * $LOAD_AUGM]
    set fp [expr $fp + 2**28 * $CONV_LEAKYRELU]
    set fp [expr $fp + 2**29 * $ALU_LEAKYRELU]
    set fp [expr $fp + 2**30 * $SAVE_ARGMAX_ENA]
    set fp [expr $fp + 2**32 * int(log($CONV_WR_PARALLEL)/log(2))]
    set fp [expr $fp + 2**34 * int(log($MISC_WR_PARALLEL)/log(2))]
    set fp [expr $fp + 2**48 * 1]
    set fp [expr $fp + 2**56 * 1]
    return [format {{"fingerprint":"0x%X"}} $fp]
}
