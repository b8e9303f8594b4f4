"""The callback-data codec: round trips, stays under 64 bytes, rejects what it did not make."""

from __future__ import annotations

import pytest

from bot.callbacks import MAX_BYTES, CallbackCodec, InvalidCallback, codec_key

CODEC = CallbackCodec(codec_key("123456789:AAHtest"))


def test_round_trip() -> None:
    data = CODEC.encode("ob.land", 12, 3)
    callback = CODEC.decode(data)
    assert (callback.action, callback.args) == ("ob.land", ("12", "3"))
    assert callback.arg_int(0) == 12


def test_longest_real_button_fits() -> None:
    data = CODEC.encode("set.tz", "America/Argentina/ComodRivadavia")
    assert len(data.encode()) <= MAX_BYTES
    with pytest.raises(ValueError, match="over 64 bytes"):
        CODEC.encode("x", "é" * 40)


def test_separators_cannot_be_smuggled_in() -> None:
    with pytest.raises(ValueError, match="free of"):
        CODEC.encode("grant", "1:admin")


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "1ob.lang:fr",  # unsigned
        "1ob.lang:fr~AAAAAAAA",  # bad signature
        CallbackCodec(codec_key("other-token")).encode("ob.lang", "fr"),  # another bot's
    ],
)
def test_rejects_forged_data(data: str | None) -> None:
    with pytest.raises(InvalidCallback):
        CODEC.decode(data)


def test_rejects_tampered_arguments() -> None:
    data = CODEC.encode("adm.grant", 7)
    with pytest.raises(InvalidCallback):
        CODEC.decode(data.replace(":7~", ":8~"))


def test_rejects_an_older_version() -> None:
    body = "0ob.lang:fr"  # signed correctly, but by an earlier format
    with pytest.raises(InvalidCallback, match="old version"):
        CODEC.decode(f"{body}~{CODEC._sign(body)}")


def test_malformed_integer_argument_counts_as_forged() -> None:
    callback = CODEC.decode(CODEC.encode("adm.grant", "seven"))
    with pytest.raises(InvalidCallback):
        callback.arg_int(0)
    with pytest.raises(InvalidCallback):
        callback.arg(3)
