from reader.words import counted, number


def test_one_is_singular_and_every_other_count_plural_with_thousands_separated() -> None:
    assert counted(1, "article") == "1 article"
    assert counted(0, "article") == "0 articles"
    assert counted(3916, "article") == "3,916 articles"
    assert counted(2, "library", "libraries") == "2 libraries"


def test_the_noun_alone_follows_the_same_rule() -> None:
    assert (number(1, "setting"), number(2, "setting"), number(0, "library", "libraries")) == (
        "setting",
        "settings",
        "libraries",
    )
