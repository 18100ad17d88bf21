"""Tests for hwgen.dpu.fingerprint (dpu.md "Compiler handshake").

Registered values are transcribed by hand from the reference; the reference writes the
middle ones as "...56010201", meaning 0x0101000056010201 (type 1, ISA 1, feature
0x000056010201). Hand expansions are spelled out next to the assertions.
"""

import itertools

import pytest

from hwgen.dpu.arch import ARCHES
from hwgen.dpu.fingerprint import (
    ESTABLISHED,
    INFERRED,
    REGISTERED,
    DecodedFingerprint,
    Isa0Config,
    Isa1Config,
    decode,
    encode_isa0,
    encode_isa1,
    fields_explained,
    target_name,
)

# Transcribed from dpu.md "Compiler handshake" (full 16-digit form written out by hand).
REFERENCE_ISA1 = {
    "DPUCZDX8G_ISA1_B512": (0x0101000056010200, "B512", 2),
    "DPUCZDX8G_ISA1_B800": (0x0101000056010201, "B800", 2),
    "DPUCZDX8G_ISA1_B1152": (0x0101000056010203, "B1152", 2),
    "DPUCZDX8G_ISA1_B1024": (0x0101000056010402, "B1024", 4),
    "DPUCZDX8G_ISA1_B1600": (0x0101000056010404, "B1600", 4),
    "DPUCZDX8G_ISA1_B2304": (0x0101000056010405, "B2304", 4),
    "DPUCZDX8G_ISA1_B3136": (0x0101000056010406, "B3136", 4),
    "DPUCZDX8G_ISA1_B4096": (0x0101000056010407, "B4096", 4),
}
ISA0_EXAMPLE = 0x01000020F6014407  # DPUCZDX8G_ISA0_B4096_MAX_BG2


# ---------------------------------------------------------------- registered targets


def test_registered_contains_exactly_the_reference_targets_in_arch_order():
    assert list(REGISTERED) == [
        "DPUCZDX8G_ISA1_B512",
        "DPUCZDX8G_ISA1_B800",
        "DPUCZDX8G_ISA1_B1024",
        "DPUCZDX8G_ISA1_B1152",
        "DPUCZDX8G_ISA1_B1600",
        "DPUCZDX8G_ISA1_B2304",
        "DPUCZDX8G_ISA1_B3136",
        "DPUCZDX8G_ISA1_B4096",
        "DPUCZDX8G_ISA0_B4096_MAX_BG2",
    ]
    for name, (fp, _, _) in REFERENCE_ISA1.items():
        assert REGISTERED[name] == fp
    assert REGISTERED["DPUCZDX8G_ISA0_B4096_MAX_BG2"] == ISA0_EXAMPLE


def test_b512_value_by_hand():
    # type 1 << 56             = 0x0100_0000_0000_0000
    # ISA 1 << 48              = 0x0001_0000_0000_0000
    # arch B512 index 0        = 0x0
    # ALU parallel 2 << 8      = 0x200
    # log2(LOAD_PARALLEL 2) << 16 = 0x1_0000
    # bank groups 2 << 24      = 0x200_0000
    # channel aug 1 << 26      = 0x400_0000
    # conv leaky 1 << 28       = 0x1000_0000
    # SAVE_ARGMAX_ENA << 30    = 0x4000_0000
    by_hand = (0x0100000000000000 + 0x0001000000000000 + 0x200 + 0x10000
               + 0x2000000 + 0x4000000 + 0x10000000 + 0x40000000)
    assert by_hand == 0x0101000056010200
    assert encode_isa1(Isa1Config("B512", alu_parallel=2)) == by_hand


def test_ip_defaults_b512_is_the_real_builds_arch_json():
    # Two real v4.1 B512 builds with the IP's defaults (ALU_PARALLEL_USER 4) wrote
    # {"fingerprint":"0x101000056010400"} (DPU41-R5 and a ZU3EG build, dpu41 reference).
    assert encode_isa1(Isa1Config("B512")) == 0x101000056010400


def test_b4096_value_by_hand():
    # as B512 but arch index 7 and ALU parallel 4 (0x400 instead of 0x200)
    assert encode_isa1(Isa1Config("B4096", alu_parallel=4)) == 0x0101000056010407


@pytest.mark.parametrize("name", list(REFERENCE_ISA1))
def test_registered_isa1_encode_and_decode(name):
    fp, arch, alu = REFERENCE_ISA1[name]
    cfg = Isa1Config(arch, alu_parallel=alu)
    assert encode_isa1(cfg) == fp
    d = decode(fp)
    assert isinstance(d, DecodedFingerprint)
    assert d.name == name and d.registered
    assert d.config == cfg
    assert (d.type_name, d.isa_version) == ("DPUCZDX8G", 1)
    assert d.config.ram_usage == "low"
    assert d.config.channel_augmentation and d.config.conv_leaky_relu
    assert not d.config.alu_leaky_relu
    assert (d.config.conv_write_parallel, d.config.alu_write_parallel) == (1, 1)
    assert d.config.load_parallel == 2 and d.config.save_argmax
    assert target_name(fp) == name


def test_default_b512_configuration_is_the_registered_b512():
    cfg = Isa1Config(
        arch="B512", ram_usage="low", channel_augmentation=True, conv_leaky_relu=True,
        conv_write_parallel=1, alu_parallel=2,
    )
    assert target_name(encode_isa1(cfg)) == "DPUCZDX8G_ISA1_B512"


def test_ram_high_gets_a_synthesized_name():
    fp = encode_isa1(Isa1Config("B512", alu_parallel=2, ram_usage="high"))
    # bank groups 3 << 24 = 0x300_0000 instead of 0x200_0000 -> 0x...57010200
    assert fp == 0x0101000057010200
    assert target_name(fp) == "DPUCZDX8G_ISA1_B512_0101000057010200"
    assert not decode(fp).registered


def test_synthesized_name_uses_peak_and_16_uppercase_hex_digits():
    fp = encode_isa1(Isa1Config("B1152", alu_parallel=2, alu_leaky_relu=True))
    # 0x0101000056010203 + bit 29 (0x2000_0000) = 0x0101000076010203
    assert target_name(fp) == "DPUCZDX8G_ISA1_B1152_0101000076010203"
    fp = encode_isa1(Isa1Config("B4096", alu_parallel=8, conv_write_parallel=8))
    # 0x...56010407 with ALU 8 (0x800) and log2(8)=3 in [33:32] (0x3_0000_0000)
    assert fp == 0x0101000356010807
    assert target_name(fp) == "DPUCZDX8G_ISA1_B4096_0101000356010807"


def test_vai25_era_value_with_bit30_clear_is_not_registered():
    # Vitis-AI targets/DPUCZDX8G_ISA1_B800.prototxt at a VAI 2.5-era commit holds
    # feature_code 0x000016010201 (bit 30 clear); the VAI 3.x one 0x000056010201.
    d = decode(0x0101000016010201)
    assert d.config == Isa1Config("B800", alu_parallel=2, save_argmax=False)
    assert d.name == "DPUCZDX8G_ISA1_B800_0101000016010201"
    assert not d.registered


def test_isa0_example_decodes_by_hand():
    d = decode(ISA0_EXAMPLE)
    assert d.name == "DPUCZDX8G_ISA0_B4096_MAX_BG2" and d.registered
    assert d.isa_version == 0
    c = d.config
    assert isinstance(c, Isa0Config)
    # the reference's summary: B4096, RAM low, channel augmentation, average pool
    assert (c.arch, c.ram_usage, c.channel_augmentation, c.avg_pool) == ("B4096", "low", True, True)
    # and the rest, read off 0x0020_F601_4407 by hand:
    # [3:0]=7, [11:8]=4, [15:12]=4, [19:16]=1, 0xF6 in [31:24] = 1111_0110:
    #   [25:24]=2, [26]=1, [27]=0, [28]=1, [29]=1, [30]=1, [31]=1; 0x20 in [39:32]: [37]=1
    assert (c.pool_parallel, c.depthwise_parallel, c.eltwise_parallel) == (4, 4, 1)
    assert c.conv_leaky_relu and c.conv_relu6 and c.dw_relu6 and c.bit37
    assert not c.eltwise_mult
    assert encode_isa0(c) == ISA0_EXAMPLE


def test_isa0_encoder_sets_bit37_and_type_by_default():
    fp = encode_isa0(Isa0Config("B512"))
    assert fp >> 56 == 1 and (fp >> 48) & 0xFF == 0
    assert fp >> 37 & 1 == 1
    # defaults: arch 0, pool 1 (0x100), dw 0, eltwise 1 (0x1_0000), bank groups 2,
    # aug, leaky, relu6, avg pool -> 0x0100_0020_7601_0100
    assert fp == 0x0100002076010100
    assert target_name(fp) == "DPUCZDX8G_ISA0_B512_0100002076010100"


# ---------------------------------------------------------------- round trips


def test_isa1_round_trip_every_combination():
    count = 0
    for arch, alu, lp, ram, aug, cl, al, sa, cwp, awp in itertools.product(
        ARCHES, (1, 2, 4, 8), (1, 2, 4, 8), ("low", "high"), (False, True), (False, True),
        (False, True), (False, True), (1, 2, 4, 8), (1, 2, 4, 8),
    ):
        cfg = Isa1Config(arch.name, alu, lp, ram, aug, cl, al, sa, cwp, awp)
        fp = encode_isa1(cfg)
        d = decode(fp)
        assert d.config == cfg
        assert encode_isa1(d.config) == fp
        count += 1
    assert count == 8 * 4 * 4 * 2 * 2 ** 4 * 4 * 4


def test_isa1_fingerprints_are_distinct():
    seen = set()
    for arch, alu, ram, aug, cwp in itertools.product(ARCHES, (1, 2, 4, 8), ("low", "high"), (False, True), (1, 2, 4, 8)):
        fp = encode_isa1(Isa1Config(arch.name, alu, ram_usage=ram, channel_augmentation=aug,
                                    conv_write_parallel=cwp))
        assert fp not in seen
        seen.add(fp)


def test_isa0_round_trip_every_combination():
    count = 0
    for arch, pool, dw, elt, ram, bools in itertools.product(
        ARCHES, (1, 2, 4), (0, 2, 4), (1, 2, 4), ("low", "high"),
        itertools.product((False, True), repeat=7),
    ):
        cfg = Isa0Config(arch.name, pool, dw, elt, ram, *bools)
        fp = encode_isa0(cfg)
        assert decode(fp).config == cfg
        count += 1
    assert count == 8 * 3 * 3 * 3 * 2 * 128


# ---------------------------------------------------------------- certainty carried as data


def test_isa1_fields_are_all_established_by_the_v4_generator():
    # Every ISA1 field is a term of the v4.x IP's fingerprint_json.ttcl (DPU41-TTCL).
    d = decode(REGISTERED["DPUCZDX8G_ISA1_B512"])
    assert {f.certainty for f in d.fields} == {ESTABLISHED}
    assert d.inferred_fields == ()


def test_isa0_fields_are_all_established():
    d = decode(ISA0_EXAMPLE)
    assert {f.certainty for f in d.fields} == {ESTABLISHED}
    assert d.inferred_fields == ()


def test_fields_explained_shape_and_bits():
    rows = fields_explained(REGISTERED["DPUCZDX8G_ISA1_B4096"])
    assert all(len(r) == 5 for r in rows)
    by_name = {r[0]: r for r in rows}
    assert by_name["type"][1:3] == ("[63:56]", "DPUCZDX8G")
    assert by_name["isa_version"][1:3] == ("[55:48]", 1)
    assert by_name["arch"][1:3] == ("[3:0]", "B4096")
    assert by_name["alu_parallel"][1:3] == ("[11:8]", 4)
    assert by_name["ram_usage"][1:3] == ("[25:24]", "low")
    assert by_name["load_parallel"][1:3] == ("[17:16]", 2)
    assert by_name["save_argmax"][1:3] == ("[30]", True)
    assert by_name["conv_write_parallel"][1:3] == ("[33:32]", 1)
    assert by_name["alu_write_parallel"][1:3] == ("[35:34]", 1)
    for r in rows:
        assert r[4] in (ESTABLISHED, INFERRED)
        assert r[3]  # a meaning for every field
    assert "SAVE_ARGMAX_ENA" in by_name["save_argmax"][3]


def test_decoded_field_lookup():
    d = decode(ISA0_EXAMPLE)
    assert d.field("avg_pool").value is True
    assert d.field("avg_pool").bits == "[30]"
    with pytest.raises(KeyError):
        d.field("alu_parallel")


# ---------------------------------------------------------------- input forms and errors


def test_decode_accepts_arch_json_string():
    assert decode("0x0101000056010200").name == "DPUCZDX8G_ISA1_B512"
    assert decode("0101000056010407").name == "DPUCZDX8G_ISA1_B4096"
    assert target_name("0x01000020f6014407") == "DPUCZDX8G_ISA0_B4096_MAX_BG2"


@pytest.mark.parametrize(
    "fp, words",
    [
        (0x0201000056010200, "DPUCAHX8H"),       # another DPU type
        (0x0001000056010200, "type 0"),          # no type
        (0xFF01000056010200, "unknown type 255"),
        (0x0102000056010200, "ISA2"),            # unknown ISA
        (0x0101000056010208, "arch index 8"),    # B128-class index, not a DPUCZDX8G IP arch here
        (0x0101000051010200, "bank groups"),     # [25:24] = 0
        (0x0101000058010200, "bit(s) 27"),       # bit 27 not covered by any ISA1 field
        (0x0101004056010200, "bit(s) 38"),
        (0x01000020F6014408, "arch index 8"),
        (0x0101000056010300, "alu_parallel"),    # ALU parallel 3
    ],
)
def test_decode_rejects_with_clear_message(fp, words):
    with pytest.raises(ValueError) as exc:
        decode(fp)
    assert words in str(exc.value)


@pytest.mark.parametrize("bad", [True, -1, 1 << 64, "0xZZ", 1.0, None])
def test_decode_rejects_bad_input(bad):
    with pytest.raises(ValueError):
        decode(bad)


def test_encoders_check_types():
    with pytest.raises(TypeError):
        encode_isa1(Isa0Config("B512"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        encode_isa0(Isa1Config("B512"))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"arch": "B2048"},
        {"arch": "B512", "alu_parallel": 3},
        {"arch": "B512", "alu_parallel": True},
        {"arch": "B512", "ram_usage": "mid"},
        {"arch": "B512", "conv_write_parallel": 16},
        {"arch": "B512", "alu_write_parallel": 0},
        {"arch": "B512", "save_argmax": 1},
    ],
)
def test_isa1_config_validation(kwargs):
    with pytest.raises(ValueError):
        Isa1Config(**kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"arch": "B4096", "pool_parallel": 16},
        {"arch": "B4096", "depthwise_parallel": -1},
        {"arch": "B4096", "eltwise_parallel": 2.0},
        {"arch": "B4096", "ram_usage": "low ", },
        {"arch": "B4096", "avg_pool": 1},
    ],
)
def test_isa0_config_validation(kwargs):
    with pytest.raises(ValueError):
        Isa0Config(**kwargs)


def test_config_arch_normalized_and_frozen():
    assert Isa1Config(512).arch == "B512"  # type: ignore[arg-type]
    assert Isa0Config("b4096").arch == "B4096"
    with pytest.raises(Exception):
        Isa1Config("B512").arch = "B800"  # type: ignore[misc]
