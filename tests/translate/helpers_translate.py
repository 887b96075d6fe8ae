"""Tiny English-Korean data and helpers for the translate tests."""

from __future__ import annotations

from pathlib import Path

TINY_PAIRS = [
    ("I am a student.", "저는 학생이에요."),
    ("I am a teacher.", "저는 선생님이에요."),
    ("You are a student.", "당신은 학생이에요."),
    ("He is a doctor.", "그는 의사예요."),
    ("She is a nurse.", "그녀는 간호사예요."),
    ("I like apples.", "저는 사과를 좋아해요."),
    ("I like coffee.", "저는 커피를 좋아해요."),
    ("I like music.", "저는 음악을 좋아해요."),
    ("We like tea.", "우리는 차를 좋아해요."),
    ("It is cold today.", "오늘은 추워요."),
    ("It is hot today.", "오늘은 더워요."),
    ("It is raining.", "비가 와요."),
    ("Good morning.", "좋은 아침이에요."),
    ("Thank you.", "고마워요."),
    ("See you tomorrow.", "내일 봐요."),
    ("Where is the station?", "역이 어디예요?"),
    ("Where is the school?", "학교가 어디예요?"),
    ("I go to school.", "저는 학교에 가요."),
    ("I go home.", "저는 집에 가요."),
    ("I eat rice.", "저는 밥을 먹어요."),
    ("I drink water.", "저는 물을 마셔요."),
    ("My mother is kind.", "우리 어머니는 친절해요."),
    ("My father is tall.", "우리 아버지는 키가 커요."),
    ("The book is here.", "책이 여기 있어요."),
    ("The bag is there.", "가방이 저기 있어요."),
    ("How much is this?", "이거 얼마예요?"),
    ("I am hungry.", "저는 배고파요."),
    ("I am tired.", "저는 피곤해요."),
    ("Let's eat lunch.", "점심 먹어요."),
    ("The weather is nice.", "날씨가 좋아요."),
]

TINY_TRAIN_ARGS = [
    "--cell", "gru", "--embed", "8", "--hidden", "16", "--vocab-size", "40", "--epochs", "2",
    "--batch-size", "8", "--beam", "2", "--no-progress", "--device", "cpu",
]  # fmt: skip


def write_anki(path: Path, pairs=TINY_PAIRS, extra: str = "") -> Path:
    path.write_text(
        "# tiny test corpus\n" + "".join(f"{en}\t{ko}\n" for en, ko in pairs) + extra, encoding="utf-8"
    )
    return path
