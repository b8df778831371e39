from __future__ import annotations

import httpx
import pytest

from alerts.signing import InvalidSignature, headers, sign, verify

# The example in the Standard Webhooks specification (and its libraries' tests).
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TIMESTAMP = 1614265330
BODY = b'{"test": 2432232314}'
SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
OTHER_SECRET = "whsec_c2VjcmV0LW9mLWEtcm90YXRlZC1lbmRwb2ludA=="


def spec_headers(**overrides: str) -> dict[str, str]:
    h = {"webhook-id": MSG_ID, "webhook-timestamp": str(TIMESTAMP), "webhook-signature": SIGNATURE}
    h.update(overrides)
    return h


def test_sign_reproduces_the_spec_example() -> None:
    assert sign(SECRET, MSG_ID, TIMESTAMP, BODY) == SIGNATURE


def test_secret_without_prefix_and_str_body_sign_the_same() -> None:
    assert sign(SECRET.removeprefix("whsec_"), MSG_ID, TIMESTAMP, BODY.decode()) == SIGNATURE


def test_headers_carry_id_timestamp_and_signature() -> None:
    assert headers(SECRET, MSG_ID, TIMESTAMP, BODY) == spec_headers()


def test_a_secret_that_is_not_base64_is_refused() -> None:
    with pytest.raises(ValueError, match="base64"):
        sign("whsec_not base64!", MSG_ID, TIMESTAMP, BODY)


def test_verify_accepts_the_spec_example() -> None:
    verify(SECRET, spec_headers(), BODY, now=TIMESTAMP)


def test_verify_matches_header_names_case_insensitively() -> None:
    verify(SECRET, httpx.Headers({k.title(): v for k, v in spec_headers().items()}), BODY, now=TIMESTAMP)


def test_verify_accepts_any_of_several_space_separated_signatures() -> None:
    rotated = sign(OTHER_SECRET, MSG_ID, TIMESTAMP, BODY)
    header = f"v1a,bm90LWFzeW1tZXRyaWM= {rotated} {SIGNATURE}"
    verify(SECRET, spec_headers(**{"webhook-signature": header}), BODY, now=TIMESTAMP)
    verify(OTHER_SECRET, spec_headers(**{"webhook-signature": header}), BODY, now=TIMESTAMP)


@pytest.mark.parametrize(
    ("secret", "hdrs", "body"),
    [
        pytest.param(SECRET, spec_headers(), b'{"test": 2432232315}', id="body changed"),
        pytest.param(OTHER_SECRET, spec_headers(), BODY, id="other secret"),
        pytest.param(SECRET, spec_headers(**{"webhook-id": "msg_other"}), BODY, id="other id"),
        pytest.param(SECRET, spec_headers(**{"webhook-signature": "v1a," + SIGNATURE[3:]}), BODY, id="v1a"),
        pytest.param(SECRET, spec_headers(**{"webhook-signature": SIGNATURE[3:]}), BODY, id="no version"),
        pytest.param(
            SECRET, {"webhook-id": MSG_ID, "webhook-timestamp": str(TIMESTAMP)}, BODY, id="unsigned"
        ),
        pytest.param(SECRET, spec_headers(**{"webhook-timestamp": "soon"}), BODY, id="bad timestamp"),
    ],
)
def test_verify_rejects(secret: str, hdrs: dict[str, str], body: bytes) -> None:
    with pytest.raises(InvalidSignature):
        verify(secret, hdrs, body, now=TIMESTAMP)


@pytest.mark.parametrize("skew", [-300, 0, 300])
def test_verify_accepts_timestamps_within_tolerance(skew: int) -> None:
    verify(SECRET, spec_headers(), BODY, now=TIMESTAMP + skew)


@pytest.mark.parametrize("skew", [-301, 301, 86400])
def test_verify_rejects_stale_or_future_timestamps(skew: int) -> None:
    with pytest.raises(InvalidSignature, match="from now"):
        verify(SECRET, spec_headers(), BODY, now=TIMESTAMP + skew)


def test_verify_tolerance_is_configurable() -> None:
    verify(SECRET, spec_headers(), BODY, now=TIMESTAMP + 3600, tolerance=3600)
    with pytest.raises(InvalidSignature):
        verify(SECRET, spec_headers(), BODY, now=TIMESTAMP + 11, tolerance=10)
