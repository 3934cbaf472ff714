"""The public rating page: tokens (signed, revocable, rotating), the 好差评 scale, abuse
resistance (device and address limits, honeypot, minimum fill time, burst hold), escaped
comments, 差评 cases, and friendly Chinese pages for every refusal."""

from __future__ import annotations

from datetime import date, timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.ratings import public
from reviews.ratings.models import PublicRating, RatingCase, RatingSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(personas):
    return public.card_enable(
        person=personas.a.people["staff"], by=personas.a.unit_admin, window_no="3"
    )


def url(card):
    return reverse("ratings_public:rate", kwargs={"token": public.card_token(card)})


def fill(client, card, *, address="10.0.0.1", wait=10, **data):
    """GET the page (device cookie, stamp), then POST `wait` seconds later."""
    page = client.get(url(card), REMOTE_ADDR=address)
    stamp = page.context["stamp"]
    post = {"level": "5", "stamp": stamp, **data}
    real = public.time.time
    with mock.patch.object(public.time, "time", lambda: real() + wait):
        return client.post(url(card), post, REMOTE_ADDR=address)


def test_page_needs_no_login_and_has_no_script_or_navigation(client, card):
    response = client.get(url(card))
    body = response.content.decode()
    assert response.status_code == 200
    assert card.person.name in body and "3 号窗口" in body
    assert "<script" not in body and 'class="nav"' not in body
    for label in ("非常满意", "满意", "基本满意", "不满意", "非常不满意"):
        assert label in body
    assert "rd" in response.cookies and response.cookies["rd"]["httponly"]
    assert not PublicRating.objects.exists()  # a GET writes nothing


def test_a_rating_is_stored_with_hashed_address_and_device(client, card):
    response = fill(client, card, address="10.1.2.3", efficiency="4")
    assert response.status_code == 200 and "评价成功" in response.content.decode()
    rating = PublicRating.objects.get()
    assert rating.level == 5 and rating.efficiency == 4 and rating.status == "counted"
    assert "10.1.2.3" not in rating.address_hash and len(rating.address_hash) == 40
    assert rating.address_hash == public.keyed_hash("address", "10.1.2.3")


def test_phone_is_stored_masked_and_hashed(client, card):
    fill(client, card, level="2", tags=["slow"], phone="13812345678")
    rating = PublicRating.objects.get()
    assert rating.phone_masked == "138****5678" and "13812345678" not in rating.phone_hash
    historical = rating.history.first()
    assert not hasattr(historical, "phone_hash") and not hasattr(historical, "address_hash")


def test_bad_input_is_shown_beside_the_field_and_kept(client, card):
    response = fill(client, card, level="1", comment="排队太久", phone="12ab")
    body = response.content.decode()
    assert response.status_code == 200
    assert "请填写正确的手机号" in body and "排队太久" in body and 'value="12ab"' in body
    assert 'id="l1" name="level" value="1" checked' in body
    assert not PublicRating.objects.exists()


def test_low_level_needs_a_reason(client, card):
    body = fill(client, card, level="2").content.decode()
    assert "请选择不满意的原因" in body and not PublicRating.objects.exists()


def test_one_rating_per_person_per_device_per_day(client, card):
    fill(client, card)
    response = fill(client, card, address="10.9.9.9")
    assert response.status_code == 200
    assert "今天已经评价过" in response.content.decode()
    assert PublicRating.objects.count() == 1


def test_address_limit_counts_across_devices(client, card, personas):
    RatingSettings.objects.create(
        region=personas.a.region, year=timezone.localdate().year, address_limit=3
    )
    for _ in range(3):
        client.cookies.clear()  # a fresh device each time
        fill(client, card, address="10.7.7.7")
    client.cookies.clear()
    response = fill(client, card, address="10.7.7.7")
    assert "过于频繁" in response.content.decode() and response.status_code == 200
    assert PublicRating.objects.count() == 3
    client.cookies.clear()
    assert "评价成功" in fill(client, card, address="10.7.7.8").content.decode()


def test_honeypot_thanks_the_bot_and_stores_nothing(client, card):
    response = fill(client, card, website="http://spam")
    assert "评价成功" in response.content.decode()
    assert not PublicRating.objects.exists()


def test_minimum_fill_time(client, card):
    response = fill(client, card, wait=0)
    assert "提交太快" in response.content.decode()
    assert not PublicRating.objects.exists()


def test_forged_or_missing_stamp_and_cookieless_posts_are_refused(client, card):
    client.get(url(card))
    body = client.post(url(card), {"level": "5", "stamp": "x"}).content.decode()
    assert "页面已失效" in body
    client.cookies.clear()
    body = client.post(url(card), {"level": "5", "stamp": "x"}).content.decode()
    assert "Cookie" in body
    assert not PublicRating.objects.exists()


def test_stamp_of_another_device_is_refused(client, card):
    stamp = client.get(url(card)).context["stamp"]
    client.cookies.clear()
    client.get(url(card))  # a new device cookie
    real = public.time.time
    with mock.patch.object(public.time, "time", lambda: real() + 10):
        body = client.post(url(card), {"level": "5", "stamp": stamp}).content.decode()
    assert "页面已失效" in body


def test_burst_is_held_for_review_not_counted(client, card, personas):
    RatingSettings.objects.create(
        region=personas.a.region, year=timezone.localdate().year, burst_count=3, address_limit=100
    )
    for i in range(5):
        client.cookies.clear()
        fill(client, card, address=f"10.0.1.{i}")
    statuses = list(PublicRating.objects.order_by("created", "pk").values_list("status", flat=True))
    assert statuses == ["counted"] * 3 + ["held"] * 2
    held = PublicRating.objects.filter(status="held").first()
    public.rating_review_held(rating=held, by=personas.a.unit_admin, accept=False)
    held.refresh_from_db()
    assert held.status == "rejected"


def test_revoked_and_rotated_cards_answer_stopped(client, card, personas):
    old = url(card)
    public.card_rotate(card=card, by=personas.a.unit_admin)
    body = client.get(old).content.decode()
    assert "已停用" in body and client.get(old).status_code == 200
    card.refresh_from_db()
    assert "请您为我的服务评价" in client.get(url(card)).content.decode()
    public.card_revoke(card=card, by=personas.a.unit_admin)
    assert "已停用" in client.get(url(card)).content.decode()
    assert "已停用" in client.post(url(card), {"level": "5"}).content.decode()


def test_forged_token_is_a_friendly_page(client, card):
    response = client.get(reverse("ratings_public:rate", kwargs={"token": "1-abc:forged"}))
    assert response.status_code == 200 and "二维码无效" in response.content.decode()


def test_bad_rating_opens_a_case_due_in_working_days(client, card):
    fill(client, card, level="1", tags=["wait"], comment="等太久")
    case = RatingCase.objects.get()
    assert case.status == "open"
    assert case.due == public.add_working_days(card.region_id, timezone.localdate(), 15)


def test_case_needs_a_return_call_when_a_phone_was_left(personas, client, card):
    fill(client, card, level="2", tags=["slow"], phone="13812345678")
    case = RatingCase.objects.get()
    client.force_login(personas.a.unit_admin)
    response = client.post(
        reverse("reviews:rating-case", args=[case.pk]), {"verified": "1", "rectification": "已整改"}
    )
    assert "请填写回访情况" in response.content.decode() and "已整改" in response.content.decode()
    client.post(
        reverse("reviews:rating-case", args=[case.pk]),
        {"verified": "0", "rectification": "经核实不属实", "return_call": "已电话回访"},
    )
    case.refresh_from_db()
    assert case.status == "unfounded" and case.history.first().history_change_reason


def test_comment_is_escaped_and_hideable_with_reason(client, card, personas):
    fill(client, card, level="2", tags=["slow"], comment="<img src=x onerror=alert(1)>")
    rating = PublicRating.objects.get()
    client.force_login(personas.a.unit_admin)
    page = reverse("reviews:public-unit", args=[personas.a.unit.pk])
    body = client.get(page).content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in body and "<img src=x" not in body
    client.post(reverse("reviews:public-rating-hide", args=[rating.pk]), {"reason": "含不当内容"})
    body = client.get(page).content.decode()
    assert "已隐藏：含不当内容" in body and "onerror" not in body
    rating.refresh_from_db()
    assert rating.status == "counted"  # the count stays


def test_address_hashes_are_purged_after_the_retention(card, personas):
    old = PublicRating.objects.create(
        region=personas.a.region,
        unit=personas.a.unit,
        person=card.person,
        day=date(2026, 1, 5),
        level=5,
        address_hash="a" * 40,
        created=timezone.now() - timedelta(days=31),
    )
    new = PublicRating.objects.create(
        region=personas.a.region,
        unit=personas.a.unit,
        person=card.person,
        day=timezone.localdate(),
        level=5,
        address_hash="b" * 40,
    )
    assert public.address_hashes_purge() == 1
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.address_hash == "" and new.address_hash == "b" * 40


def test_cards_pdf_carries_the_live_token_as_a_qr_code(client, personas, card):
    from reviews.ratings.cards import card_url, cards_html

    html = cards_html([card], "https://kaohe.example.gov.cn/")
    assert "<svg" in html and card.person.name in html and "3 号窗口" in html
    assert public.card_token(card) in card_url(card, "https://kaohe.example.gov.cn/")
    client.force_login(personas.a.unit_admin)
    response = client.get(reverse("reviews:public-cards-pdf", args=[personas.a.unit.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_daily_job_recomputes_people_rated_yesterday(
    card, personas, django_capture_on_commit_callbacks
):
    from indicators.models import QuarterScore
    from reviews.tasks import ratings_daily

    yesterday = timezone.localdate() - timedelta(days=1)
    PublicRating.objects.create(
        region=personas.a.region, unit=personas.a.unit, person=card.person, day=yesterday, level=4
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = ratings_daily()
    assert result["recomputed"] == 1
    score = QuarterScore.objects.get(
        person=card.person, quarter__start__lte=yesterday, quarter__end__gte=yesterday
    )
    assert "群众评价 1 条" in str(score.breakdown)


def test_card_pdf_html_escapes_names(personas):
    from reviews.ratings.cards import cards_html

    person = personas.a.people["staff2"]
    person.name = "<script>x</script>"
    person.save()
    card = public.card_enable(person=person, by=personas.a.unit_admin, window_no="<b>9</b>")
    html = cards_html([card], "https://example.gov.cn/")
    assert "<script>x" not in html and "&lt;script&gt;x" in html and "<b>9" not in html
