"""Rules of the PDF reader on hand-built input: line-end hyphens, float placement, block splitting."""

from collections import Counter
from dataclasses import replace

from papercli.ingest.document import Document
from papercli.ingest.pdf import Block, Line, _Builder, _split_block


def _builder(*words):
    return _Builder(Document(source="x"), Counter(words))


def test_hyphen_joined_for_word_fragments_and_suffixes():
    b = _builder("significant", "significant", "correspond", "correspond")
    assert b._glue("is signifi-", "cantly better") == ("is signifi", "")
    assert b._glue("they correspond-", "ing to") == ("they correspond", "")


def test_hyphen_kept_for_compounds():
    b = _builder("rule", "rule", "based", "based", "summary", "summary", "structure", "structure", "sharing")
    assert b._glue("a rule-", "based tagger") == ("a rule-", "")
    assert b._glue("summary-", "worthy") == ("summary-", "")  # a word of the paper, then an unseen word: keep
    assert b._glue("structure-", "sharing") == ("structure-", "")
    # a capitalised tail keeps it ("Anglo-Saxon"), unless the paper writes the word whole in capitals ("CoNLL")
    b = _builder("conll", "conll", "anglo", "saxon")
    assert b._glue("the CoNL-", "L shared task") == ("the CoNL", "")
    assert b._glue("Anglo-", "Saxon words") == ("Anglo-", "")
    # a name the paper writes whole at least twice, split after a capitalised head ("Word-" + "Net": 20 joins over 16
    # papers, WordNet, VerbNet, SemCor, McDonald, all right)
    b = _builder("wordnet", "wordnet", "semcor", "anglo", "saxon")
    assert b._glue("from Word-", "Net synsets") == ("from Word", "")
    assert b._glue("in Sem-", "Cor data") == ("in Sem-", "")  # written whole once only: kept
    assert b._glue("Anglo-", "Saxon words") == ("Anglo-", "")
    # a name or a range broken before its number joins without a space ("MUC-7", "61.8–74.8"); a word broken
    # before a footnote's number does not ("propor-" + "3In")
    assert b._glue("on MUC-", "7 data") == ("on MUC-", "")
    assert b._glue("from 61.8\u2013", "74.8 points") == ("from 61.8\u2013", "")
    assert b._glue("the propor-", "3In this note") == ("the propor-", " ")


def test_hyphen_joined_when_the_tail_is_no_word_after_a_short_head():
    """'as-sumptions': neither form elsewhere, the tail is no word of the paper, the head a short word."""
    b = _builder("as", "as", "as", "to", "to")  # line-split pieces are no words of the paper (_paper_vocab)
    assert b._glue("certain as-", "sumptions hold") == ("certain as", "")
    assert b._glue("to-", "gether with") == ("to", "")
    assert b._glue("an m-", "estimation step") == ("an m-", "")  # one-letter heads are prefixes ("m-estimation")


def test_hyphen_joined_when_neither_part_is_a_word_of_the_paper():
    """'hierarchi-cal', 'meth-ods': typesetting splits; a compound's parts are words ('rule-based')."""
    b = _builder("rule", "rule", "based", "based")
    assert b._glue("as well as hierarchi-", "cal clustering") == ("as well as hierarchi", "")
    assert b._glue("meth-", "ods") == ("meth", "")
    assert b._glue("a rule-", "based tagger") == ("a rule-", "")


def test_pieces_of_line_split_words_are_no_words_of_the_paper():
    """A word split twice ('imple-' / 'menting' on two pages) must not make its pieces look like words."""
    from papercli.ingest.pdf import _paper_vocab

    block = [_line("we extended it by imple-"), _line("menting a rule-based tagger,"), _line("an imple-"),
             _line("menting step")]
    vocab = _paper_vocab([[block]])
    assert vocab["imple"] == vocab["menting"] == 0
    assert vocab["rule-based"] == vocab["rule"] == vocab["based"] == vocab["tagger"] == vocab["we"] == 1
    b = _Builder(Document(source="x"), vocab)
    assert b._glue("by imple-", "menting a") == ("by imple", "")


def test_hyphen_kept_when_the_tail_goes_on_with_a_hyphen():
    """'off-' + 'the-shelf' is "off-the-shelf" (it had become "offthe-shelf": "off" begins words of the paper)."""
    b = _builder("offer", "offer", "the", "the")
    assert b._glue("compared to off-", "the-shelf clustering") == ("compared to off-", "")
    assert b._glue("state-of-", "the-art results") == ("state-of-", "")


def test_hyphen_follows_the_paper_when_attested():
    b = _builder("co-occurrence", "co-occurrence", "cooccurrence")
    assert b._glue("co-", "occurrence counts") == ("co-", "")
    b = _builder("preprocessing")
    assert b._glue("pre-", "processing") == ("pre", "")


def _line(text, x0=0.0, x1=200.0, y0=0.0):
    return Line(text, x0, y0, x1, y0 + 10, 10.0, False, "")


def test_float_goes_to_the_nearer_sentence_boundary():
    b = _builder()
    b.add_line("First sentence here. Second sentence is long and", 1)
    b.add_float(Block([_line("1A footnote.")], 1))  # nearer the end of the second sentence: after it
    b.add_line("ends here. Third one.", 1)
    b.close()
    pars = [[s.text for s in p.sentences] for p in b.doc.sections[0].paragraphs]
    assert pars == [["First sentence here.", "Second sentence is long and ends here."], ["1A footnote."],
                    ["Third one."]]
    b = _builder("significant", "significant")
    b.add_line("First sentence here. Second", 1)
    b.add_float(Block([_line("Figure 1: A caption that is signifi-"), _line("cant.")], 1))
    b.add_line("sentence is long and goes on for a while before it ends.", 1)
    b.close()
    pars = [[s.text for s in p.sentences] for p in b.doc.sections[0].paragraphs]
    assert pars == [["First sentence here."], ["Figure 1: A caption that is significant."],
                    ["Second sentence is long and goes on for a while before it ends."]]


def test_block_split_where_a_line_leaves_the_column():
    col = [_line(f"line {i} of the right column", x0=305, x1=526, y0=10 * i) for i in range(4)]
    table = _line("Bin Type (cosine similarity)", x0=78, x1=202, y0=40)
    parts = _split_block(col + [table], 10.0)
    assert [len(p) for p in parts] == [4, 1]


def _front_page_pdf(path, title_meta, lines):
    """A one-page PDF: (y, size, bold, text) lines, then a body paragraph; metadata title `title_meta`."""
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    for y, size, bold, text in lines:
        page.insert_text((72, y), text, fontsize=size, fontname="tibo" if bold else "tiro")
    body = ("We study how readers find the main claim of a paper and report what we found in several "
            "experiments on real papers. ") * 2
    page.insert_textbox(pymupdf.Rect(72, 300, 540, 420), body, fontsize=10, fontname="tiro")
    doc.set_metadata({"title": title_meta})
    doc.save(path)


def test_title_and_venue_footer_on_page_one(tmp_path):
    """The title skips column labels, placeholder metadata and the authors line; the venue footer goes."""
    from papercli.ingest import load_document

    footer = (740, 9, False, "Proceedings of the 43rd Annual Meeting of the ACL, pages 26-33, Ann Arbor, June 2005.")
    label = tmp_path / "label.pdf"
    _front_page_pdf(label, "Proceedings of the...", [
        (60, 18, True, "Squibs and Discussions"), (100, 14, True, "Estimating Grammars from Treebanks"),
        (140, 12, False, "Ann Writer"), (280, 12, True, "Abstract"), footer])
    doc = load_document(str(label))
    assert doc.title == "Estimating Grammars from Treebanks"
    assert "Proceedings" not in doc.to_text()  # the venue line at the foot of page 1 is furniture
    authors = tmp_path / "authors.pdf"  # metadata names the title; the authors line is set in the same font
    _front_page_pdf(authors, "A Practical Tagger", [
        (100, 12, True, "A Practical Tagger"), (120, 12, True, "Doug Cutting and Julian Kupiec"),
        (280, 12, True, "Abstract"), footer])
    assert load_document(str(authors)).title == "A Practical Tagger"
    header = tmp_path / "header.pdf"  # the venue set as a header above the title (W02-1011)
    _front_page_pdf(header, "", [(40, 9, False, "Proceedings of the Conference on Empirical Methods in Natural"),
                                 (50, 9, False, "Language Processing (EMNLP), Philadelphia, July 2002, pp. 79-86."),
                                 (110, 16, True, "Thumbs Up: Sentiment Classification"), (280, 12, True, "Abstract")])
    doc = load_document(str(header))
    assert doc.title == "Thumbs Up: Sentiment Classification" and "Proceedings" not in doc.to_text()
    coling = tmp_path / "coling.pdf"  # C10-2052: the venue line without "Proceedings", its place and date apart
    _front_page_pdf(coling, "", [(100, 14, True, "What's in a Preposition?"), (280, 12, True, "Abstract"),
                                 (740, 9, False, "Coling 2010: Poster Volume, pages 454-462,"),
                                 (760, 9, False, "Beijing, August 2010")])
    text = load_document(str(coling)).to_text()
    assert "Coling 2010" not in text and "Beijing" not in text and "readers find the main claim" in text


def test_lettered_authors_line_is_front_matter_not_a_heading(tmp_path):
    """'H. Ney, F. J. Och' above the abstract, set larger than the body, looks like heading 'H.'."""
    from papercli.ingest import load_document

    path = tmp_path / "front.pdf"
    _front_page_pdf(path, "", [
        (80, 18, True, "Statistical Translation of Spoken Dialogues"), (130, 12, False, "H. Ney, F. J. Och, S. Vogel"),
        (150, 12, False, "Computer Science Department"), (280, 12, True, "Abstract")])
    doc = load_document(str(path))
    assert doc.authors == "H. Ney, F. J. Och, S. Vogel"
    assert doc.sections == [] or not doc.sections[0].heading.startswith("H.")
    assert "Ney" not in doc.to_text().split("Abstract", 1)[-1]


def test_spacing_accents_before_their_letter_are_composed():
    """dvips-era PDFs set 'K\u00a8ubler'; NFKC alone would give 'K \u0308ubler'."""
    import unicodedata

    from papercli.ingest.pdf import _norm

    assert _norm("S. K\u00a8ubler and Daum\u00b4e, Mel\u2019\u02c7cuk, Sarac\u00b8lar, Mart\u00b4\u0131n") == \
        "S. Kübler and Daumé, Mel’čuk, Saraçlar, Martín"
    assert _norm("www.ed.ac.uk/\u02dcpkoehn and /\u02dcanoop") == "www.ed.ac.uk/~pkoehn and /~anoop"  # URL tildes
    assert _norm("Jo\u02dcao and John\u00b4s book") == "João and John's book"
    assert _norm("Ure \u02d8s") == unicodedata.normalize("NFKC", "Ure \u02d8s")  # no such character


def _runs_pdf(path, rows):
    """A one-page PDF of lines made of (text, bold) runs, 12 points apart (an empty row: a gap); each run
    follows the last."""
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    for n, runs in enumerate(rows):
        x = 72.0
        for text, bold, *gap in runs:  # a gap (points) before a run makes MuPDF start a new line segment
            font = "tibo" if bold else "tiro"
            x += gap[0] if gap else 0
            page.insert_text((x, 100 + 12 * n), text, fontsize=10, fontname=font)
            x += pymupdf.get_text_length(text, fontname=font, fontsize=10)
    doc.save(path)


def test_run_in_headings(tmp_path):
    """CL-journal style: a bold subsection title runs into its paragraph; the number may be roman."""
    from papercli.ingest import load_document

    body = [[("and recall figures for the variants of the system were obtained by comparing them.", False)]] * 3
    path = tmp_path / "runin.pdf"  # the first run-in heading is set without a gap, inside the block
    _runs_pdf(path, [[("1 Introduction", True)], [("We study how people read papers in this short text.", False)]]
              + [[("5.1.2 Evaluation against a Standard. ", True), ("The precision ", False)]] + body + [[]]
              + [[("4.4.2 ", False), ("Bridging and Named Entities. ", True), ("Definite descriptions", False)]] + body
              + [[], [("5.1.1 ", False), ("Precision and ", True), ("Recall. Recall is what we measure ", False)]]
              + body + [[], [("5 Concluding ", True), ("Remarks", False)], [("We close with what we found.", False)]])
    doc = load_document(str(path))
    got = {s.heading: s.paragraphs[0].text[:24] for s in doc.sections}
    assert got == {"1 Introduction": "We study how people read", "5.1.2 Evaluation against a Standard": "The precision and recall",
                   "4.4.2 Bridging and Named Entities": "Definite descriptions an",
                   "5.1.1 Precision and Recall": "Recall is what we measur", "5 Concluding Remarks": "We close with what we fo"}


def test_run_in_heading_over_two_segments_and_numbered_list_items(tmp_path):
    """A lead-in split over two MuPDF segments keeps its space; "1. Tokenization." list items inside a
    paragraph stay in it."""
    from papercli.ingest import load_document

    body = [[("and recall figures for the variants of the system were obtained by comparing them.", False)]]
    path = tmp_path / "segments.pdf"
    _runs_pdf(path, [[("3.2 Pipeline", True)], [("The pipeline has three steps that we describe in turn.", False)]]
              + body + [[("1. Tokenization. ", True), ("We split the text into tokens with a rule set.", False)]]
              + body + [[], [("2.1 Model", True), ("Selection.", True, 12), (" We use the best model here.", False)]])
    got = {s.heading: s.paragraphs[0].text for s in load_document(str(path)).sections}
    assert list(got) == ["3.2 Pipeline", "2.1 Model Selection"]
    assert "1. Tokenization. We split the text" in got["3.2 Pipeline"]
    assert got["2.1 Model Selection"] == "We use the best model here."


def test_a_split_word_carries_to_the_next_page_at_most():
    from papercli.ingest.pdf import _paper_vocab

    split = [_line("a closing line with a dash: non-")]
    vocab = _paper_vocab([[split, [_line("Table 2: English results")]], [[_line("linear models are next.")]]])
    assert vocab["non"] == vocab["linear"] == 0 and vocab["models"] == 1  # "non-" + "linear", a page later
    vocab = _paper_vocab([[split], [[_line("Table 2: English results")]], [[_line("where results are good.")]]])
    assert vocab["where"] == 1  # two pages later: a word of its own


def test_numbered_section_name_in_body_type_is_a_heading(tmp_path):
    """Old scans set "4 Results" in the body font; a numbered plain title ("4 Data sets") stays text."""
    from papercli.ingest import load_document

    path = tmp_path / "plain.pdf"
    para = [("We study how people read papers and report the results of three small experiments here.", False)]
    _runs_pdf(path, [[("1 Introduction", True)], para, [], [("4 Results", False)], para, [], [("5 Data sets", False)], para])
    assert [s.heading for s in load_document(str(path)).sections] == ["1 Introduction", "4 Results"]


def test_reference_entry_read_as_a_lettered_heading_stays_a_reference(tmp_path):
    """In old scans an entry's first line "B. Srinivas. 1997b. ..." can look like heading "B."; an
    appendix heading after the references ("A. Proofs") is still a heading."""
    from papercli.ingest import load_document

    path = tmp_path / "refs.pdf"
    para = [("We study how people read papers and report the results of three small experiments here.", False)]
    _runs_pdf(path, [[("1 Introduction", True)], para, [], [("References", True)], [],
                     [("D. Jurafsky, Chuck Wooters, and Jonathan Segal. 1994.", True)], [],
                     [("B. Srinivas. 1997b. Performance Evaluation of Supertagging.", True)], [],
                     [("A. Proofs", True)], para, [], [("B Hyperparameters, Data and Training", True)], para])
    doc = load_document(str(path))
    assert [s.heading for s in doc.sections] == ["1 Introduction", "A. Proofs", "B Hyperparameters, Data and Training"]
    assert any("Jurafsky" in r for r in doc.references) and any("Srinivas" in r for r in doc.references)


def test_small_type_is_a_footnote_only_when_small_for_its_page():
    """Old scans set some pages in a smaller type (W93-0111: 8.6 pt pages in a 9.8 pt paper): a body
    block low on such a page ("149 elements have frequency ...") is body text, not a footnote."""
    from papercli.ingest.pdf import _classify

    def block(size, y0=600.0):
        return Block([Line("149 elements have frequency zero in these vectors.", 0, y0, 200, y0 + 10, size, False, "")], 7)

    b = block(8.6)
    _classify(b, 9.8, 792.0, {}, page_body=8.6)
    assert b.kind == "body"
    b = block(8.6)
    _classify(b, 9.8, 792.0, {}, page_body=9.8)  # the same block on a page set in the paper's body type
    assert b.kind == "footnote"
    b = block(7.6)
    _classify(b, 9.8, 792.0, {}, page_body=8.6)  # smaller than its page's type too
    assert b.kind == "footnote"
    from papercli.ingest.pdf import _prose

    assert _prose("These sparse vectors will therefore have little or no overlap with vectors")
    assert not _prose("model (POS tag set and morph. features) LAS UAS LS")  # a table row sets no page type
    assert not _prose("Size 100,269 78,332 Singletons 40,199 31,319 total 464 anaphoric 154")


def test_numbered_headings_in_body_type():
    """Old scans set headings in the body font ("3.1 A simple system"): a line of its own with an arabic
    number and a title of words is a heading when its number follows the headings before it."""
    from papercli.ingest.pdf import _drop_unordered_headings, _classify, _number_follows, _plain_numbered_heading

    for text in ("3.1 A simple system", "2 The MUC Competition", "5 Performance", "3.2.1 Character-as-word (CAW)",
                 "5 The role of gazetteers", "4 MUC results"):  # (sentence case: E99-1001, P98-1046, C00-2148)
        assert _plain_numbered_heading(text), text
    for text in ("2 We then tag the words", "2 In this way the parser", "V NP V NPAVP", "5. VBD INTR. CADS", "3 Results in 1999", "4 a b",
                 "3 Frequency Distributions of the", "1 VBNP"):  # a heading's first line only; a table's tag
        assert not _plain_numbered_heading(text), text
    assert _plain_numbered_heading("5.4.1 MERT")
    for text in ():
        assert not _plain_numbered_heading(text), text
    assert _number_follows((2, 3), (2, 2)) and _number_follows((3,), (2, 2)) and _number_follows((2, 2, 1), (2, 2))
    assert not _number_follows((2,), (5, 1)) and not _number_follows((5,), (2, 2)) and _number_follows((1,), None)

    def block(text, y0):
        b = Block([Line(text, 0, y0, 200, y0 + 10, 10.0, False, "")], 1)
        _classify(b, 10.0, 792.0, {})
        return b

    small = Block([Line("2 Penn Treebank Project", 0, 700, 200, 708, 8.0, False, "")], 1)  # a footnote, not a heading
    _classify(small, 10.0, 792.0, {}, page_body=10.0)
    assert small.kind == "footnote"
    page = [block("2 The MUC Competition", 100), block("3 Finding Named Entities", 200),
            block("2 Bridging", 300), block("3.1 A simple system", 400)]
    _drop_unordered_headings([page])
    assert [b.kind for b in page] == ["heading", "heading", "body", "heading"]  # a table row "2 Bridging"
    # the heading as the first line of its paragraph's block (A97-1014's "2.2 Existing Treebank Formats"), but not
    # a heading whose second line is a subscript's rest ("5.3 Evaluation for simB" / "WJ and simB", J09-3004)
    par = [_line("2.2 Existing Treebank Formats", x1=120), _line("Corpora annotated with syntactic structures are"),
           _line("commonly referred to as treebanks.", x1=150)]
    assert [len(p) for p in _split_block(par, 10.0)] == [1, 2]
    two = [_line("5.3 Evaluation for simB", x1=120), _line("WJ and simB", x1=60),
           _line("COS To further validate the scheme we ran more tests")]
    assert [len(p) for p in _split_block(two, 10.0)] == [3]


def test_text_inside_a_figure_or_table_joins_its_float():
    """Table cells stacked right above a caption (E99-1001's Figure 1: "49 75 26 92 76 93") are float
    text, placed like the caption; running text beside it and a sentence's last line stay body."""
    from papercli.ingest.pdf import _mark_figure_text

    def block(text, y0, x0=0.0, kind="body"):
        b = Block([Line(text, x0, y0, x0 + 200, y0 + 10, 10.0, False, "")], 1)
        b.kind = kind
        return b

    cells = [block("organization person location", 100), block("49 75 26 92 76 93", 115)]
    cap = block("Figure 1: NE recognition with simple list lookup.", 140, kind="caption")
    ending = block("results are shown in the table of Figure 5.", 60)  # a paragraph's last line, further up
    prose = block("the system we fielded for the competition makes extensive use of internal evidence", 120, x0=300)
    below = block("3 1 4 1 5", 160)  # below a figure's caption: the next column's table, not this float
    page = [ending, *cells, cap, prose, below]
    _mark_figure_text(page, 10.0)
    assert [b.kind for b in page] == ["body", "caption", "caption", "caption", "body", "body"]
    table = block("Table 2: Accuracy by model.", 100, kind="caption")
    rows = [block("Model Acc F1", 120), block("CRF 91.2 88.0", 133)]
    page = [table, *rows]
    _mark_figure_text(page, 10.0)
    assert [b.kind for b in page] == ["caption", "caption", "caption"]  # a table under its caption
    # a table on top of its caption: what follows the caption is not the table (reference entries here)
    page = [block("Model Acc F1", 80), block("CRF 91.2 88.0", 93), block("Table 5: Results.", 110, kind="caption"),
            block("A. Bagga and B. Baldwin. 1998. Entity-based", 130), block("cross-document coreferencing. In Proc.", 143)]
    _mark_figure_text(page, 10.0)
    assert [b.kind for b in page] == ["caption", "caption", "caption", "body", "body"]
    # running text in a narrow column, right above a caption, with no sentence end: prose, not figure text
    narrow = Block([Line(t, 0, 100 + 12 * i, 200, 110 + 12 * i, 10.0, False, "") for i, t in enumerate(
        ["Given multiple constituents that cover", "identical spans in the chart, only those", "constituents with probabilities within a"])], 1)
    page = [narrow, block("Table 1: Results.", 140, kind="caption")]
    _mark_figure_text(page, 10.0)
    assert page[0].kind == "body"
    # a plot's labels overlap in height: a tick label set lower than the next one up is still the plot's
    # (C10-2052's "12000" and "2000" were left out of the chain and spliced into "We compare the ... results")
    ticks = [block("0", 203), block("2000", 189), block("1781 1071 280", 183), block("4000", 175), block("12000", 118),
             block("8000", 146), block("10332", 122), block("classes", 224)]
    page = [*ticks, block("Figure 1: Distribution of class labels.", 249, kind="caption")]
    _mark_figure_text(page, 10.0)
    assert all(b.kind == "caption" for b in page)
    # a plot's y-axis ticks left of a centred caption (C04-1143) join it; a short sentence there does not
    axis = [block("Recall Precision", 475, x0=415), block("1 2 3 4 5 6 7 8 9 10 Sample Group", 449, x0=351)]
    ticks = [Block([Line(t, 322, y, 338, y + 9, 10.0, False, "")], 1)
             for t, y in (("0", 437), ("0.25", 425), ("0.5", 412), ("0.75", 399), ("1", 387))]
    aside = Block([Line("as the curves show here.", 200, 440, 340, 450, 10.0, False, "")], 1)
    page = [*ticks, aside, *axis, block("Figure 6 Average Precision and Recall", 492, x0=349, kind="caption")]
    _mark_figure_text(page, 10.0)
    assert [b.kind for b in page] == ["caption"] * 5 + ["body"] + ["caption"] * 3


def test_a_subscript_opening_a_body_line_is_no_footnote_mark():
    """E09-1063: "f_1^J grows exponentially ..." wraps so that a line opens with the small "1": in body
    type low on the page it stays body text; a marked block in smaller type is a footnote."""
    from papercli.ingest.pdf import _classify

    def block(size):
        b = Block([Line("1 grows exponentially with the number of characters K, it is impractical", 0, 650, 200, 660,
                        size, False, "", marker=1)], 3)
        _classify(b, 10.0, 792.0, {}, page_body=10.0)
        return b.kind

    assert block(10.0) == "body" and block(9.0) == "footnote"


def test_reference_entries_across_a_column_break():
    """At the top of the next column an entry starts flush left; its later lines are indented or go on
    in lower case. Before, a new entry there was merged into the last one of the column before."""
    from papercli.ingest.pdf import _add_body_block

    def refs_builder():
        b = _builder()
        b.heading("References", 1, 1)
        _add_body_block(b, Block([Line("Dekang Lin. 1998. Dependency-based evaluation of minipar.", 72, 700, 290, 710,
                                       10.0, False, "")], 1))
        return b

    def column_top(*lines):  # (text, x0) lines of a block at the top of the right column
        return Block([Line(t, x0, 80 + 12 * i, 520, 90 + 12 * i, 10.0, False, "") for i, (t, x0) in enumerate(lines)], 1)

    b = refs_builder()
    _add_body_block(b, column_top(("Metaweb. 2008. Freebase data dumps.", 307), ("http://download.freebase.com/.", 317)))
    b.close()
    assert b.doc.references == ["Dekang Lin. 1998. Dependency-based evaluation of minipar.",
                                "Metaweb. 2008. Freebase data dumps. http://download.freebase.com/."]
    b = refs_builder()
    _add_body_block(b, column_top(("In Workshop on the Evaluation of Parsing Systems.", 317), ("Metaweb. 2008. Dumps.", 307)))
    b.close()
    assert b.doc.references == ["Dekang Lin. 1998. Dependency-based evaluation of minipar. In Workshop on the "
                                "Evaluation of Parsing Systems.", "Metaweb. 2008. Dumps."]


def test_rows_of_numbers_anywhere_are_float_text():
    """A plot's tick labels or a table's rows far from any caption ("79 80 81 ... 89", W04-3236) are float
    text, never spliced into the sentence beside them; a sentence with numbers in it stays body."""
    from papercli.ingest.pdf import _mark_figure_text

    def block(text, y0):
        return Block([Line(text, 0, y0, 200, y0 + 10, 10.0, False, "")], 1)

    page = [block("79 80 81 82 83 84 85 86 87 88 89", 100), block("Flat 58.2 52.8 55.4 Flat+Smoothing 58.9 53.1 55.9", 300),
            block("We ran 3 seeds and got 58.2, 52.8 and 55.4 on the test set.", 500), block("2 1 2 1", 700)]
    _mark_figure_text(page, 10.0)
    assert [b.kind for b in page] == ["caption", "caption", "body", "body"]  # the last: too short to tell


def test_a_jump_in_section_numbers_is_reported():
    """`info` warns when chapter numbers skip ("3 ...", "6 Discussion"): a heading was likely read as text."""
    from papercli.ingest.pdf import _numbering_gap

    assert _numbering_gap(["1 Introduction", "2 Data", "2.1 Corpus", "3 Results", "Acknowledgments"]) is None
    assert _numbering_gap(["1 Introduction", "3.1 A simple system", "3.2 Rules", "6 Discussion"]) == (1, 3)
    assert _numbering_gap(["Introduction", "Method", "Conclusion"]) is None


def test_title_footnote_marks_and_letter_headings(tmp_path):
    """A title's footnote mark ("Features∗", an OCR'd "I") is no part of it; a bold line of single letters ("I I I", a
    figure's axis) is no heading."""
    from papercli.ingest import load_document

    path = tmp_path / "marks.pdf"
    _front_page_pdf(path, "", [(100, 16, True, "Parser Adaptation with Grammar Features *"),
                               (160, 12, True, "1 Introduction"),
                               (180, 10, False, "We study how people read papers in this short text about parsers."),
                               (220, 12, True, "I I I"),
                               (240, 10, False, "The parser is adapted to the new domain with grammar features.")])
    doc = load_document(str(path))
    assert doc.title == "Parser Adaptation with Grammar Features"
    assert [s.heading for s in doc.sections] == ["1 Introduction"]
    # an OCR'd note mark "I" the metadata title lacks (J98-2005); a title that ends in "I" keeps it
    for meta, title in (("Squibs: Estimation of Probabilistic Grammars", "Estimation of Probabilistic Grammars"),
                        ("", "Estimation of Probabilistic Grammars I"),
                        ("Estimation of Probabilistic Grammars I", "Estimation of Probabilistic Grammars I")):
        path = tmp_path / f"mark{len(meta)}{len(title)}.pdf"
        _front_page_pdf(path, meta, [(100, 16, True, "Estimation of Probabilistic Grammars I"),
                                     (160, 12, True, "1 Introduction")])
        assert load_document(str(path)).title == title


def test_hyphen_follows_the_corpus_when_the_paper_has_neither_form():
    """The shipped lexicon (papercli train lexicon) decides what the paper cannot: "with-out" is a split
    "without", "ker-nel-based" a split "kernel-based"; two known words keep their hyphen ("PoS-unaware")."""
    from papercli.ingest.lexicon import FILE, corpus_words

    assert FILE.exists() and corpus_words()["without"] > 100 and corpus_words()["of-the"] > 100
    b = _builder("pos", "pos")
    assert b._glue("with-", "out any") == ("with", "")
    assert b._glue("Further-", "more, we") == ("Further", "")
    assert b._glue("a ker-", "nel-based method") == ("a ker", "")
    assert b._glue("the PoS-", "unaware model") == ("the PoS-", "")
    assert b._glue("state-of-", "the-art results") == ("state-of-", "")


def test_page_numbers_a_little_above_the_margin():
    """H92-1022 sets its page numbers at 89% of the page height: numbers alone in their block that run with
    the pages (page i + 111) go; a plot's tick number at the same height stays."""
    from papercli.ingest.pdf import _drop_furniture

    pages = [[[_line("Some running text of the paper on this page.", y0=300)], [_line(str(112 + i), y0=700)]]
             for i in range(4)]
    pages[2].append([_line("40", y0=690)])  # a tick of a plot
    _drop_furniture(pages, [792.0] * 4)
    assert [[b[0].text for b in blocks] for blocks in pages] == [
        ["Some running text of the paper on this page."]] * 2 + [
        ["Some running text of the paper on this page.", "40"], ["Some running text of the paper on this page."]]


def test_an_address_above_the_abstract_in_the_other_column_is_front_matter(tmp_path):
    """N04-1016: the second author's address ("2 Buccleuch Pl., Edinburgh") sits in the right column above
    the left column's Abstract heading; read in column order it came after the abstract, as section "2 ..."."""
    import pymupdf

    from papercli.ingest import load_document

    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((140, 90), "The Web as a Baseline for Many Tasks", fontsize=14, fontname="tibo")
    for x, lines in ((124, ["Mirella Lapata", "University of Sheffield", "211 Portobello St., Sheffield"]),
                     (350, ["Frank Keller", "University of Edinburgh", "2 Buccleuch Pl., Edinburgh EH8 9LW"])):
        for k, text in enumerate(lines):
            page.insert_text((x, 130 + 14 * k + 8 * (k == 2)), text, fontsize=12, fontname="tibo" if k == 0 else "tiro")
    page.insert_text((160, 230), "Abstract", fontsize=12, fontname="tibo")
    col = "We study how readers find the main claim of a paper and report what we found in experiments. " * 4
    page.insert_textbox(pymupdf.Rect(72, 240, 290, 400), col, fontsize=10, fontname="tiro")
    page.insert_text((72, 420), "1 Introduction", fontsize=12, fontname="tibo")
    page.insert_textbox(pymupdf.Rect(72, 430, 290, 700), col * 2, fontsize=10, fontname="tiro")
    page.insert_textbox(pymupdf.Rect(320, 240, 540, 700), col * 3, fontsize=10, fontname="tiro")
    path = tmp_path / "address.pdf"
    doc.save(path)
    got = load_document(str(path))
    assert [s.heading for s in got.sections] == ["1 Introduction"] and "Buccleuch" not in got.to_text()


def test_a_hyphen_after_a_number_joins_without_a_space():
    b = _builder("document")
    assert b._glue("www.cs.cornell.edu/people/pabo/-", "movie-review-data/") == ("www.cs.cornell.edu/people/pabo/", "")
    assert b._glue("a 120-", "document set") == ("a 120-", "")
    assert b._glue("step 3-", "Similarly, we") == ("step 3-", " ")


def test_a_garbled_text_layer_is_reported():
    from papercli.ingest.pdf import GARBLED_SHARE, _unknown_share

    english = "We evaluate the parser on the treebank and report the accuracy of every model we trained. " * 30
    garbled = "Tiir uniliet~tion tl~e cona-rive Sprachwissenschaft Uniw',rsitS~t Tiibingen Gem lalm xqzt. " * 30
    assert _unknown_share(english) == 0.0 and _unknown_share(garbled) > GARBLED_SHARE
    assert _unknown_share("Tiir xqzt.") == 0.0  # too short to tell


def test_a_bulleted_line_starts_a_paragraph():
    from papercli.ingest.pdf import _breaks

    prev = _line("• I is a (possibly infinite) set of positive integers,")
    assert _breaks(prev, _line("• J maps each sentence index to a set"), 200.0, False)
    assert not _breaks(prev, _line("referred to as sentence indices"), 200.0, False)


def test_a_list_items_next_line_set_flush_with_its_text_continues_it():
    """D11-1125: "• Discount features for rule frequency bins (cf." / "Chiang et al. (2009), Section 4.1)",
    the second line indented to the item's text, had become a paragraph of its own."""
    from papercli.ingest.pdf import Line, _breaks

    item = Line("• Discount features for rule frequency bins (cf.", 325, 471, 540, 492, 10.0, False, "")
    assert not _breaks(item, Line("Chiang et al. (2009), Section 4.1)", 335, 485, 481, 498, 10.0, False, ""), 540, False)
    # a new paragraph indented well past the bullet after a one-line item still starts one (found by review)
    full = Line("• Rule overlap features fire for every rule we use.", 325, 471, 540, 492, 10.0, False, "")
    assert _breaks(full, Line("Then we tune the weights on the held-out set.", 360, 485, 540, 498, 10.0, False, ""), 540, False)
    plain = Line("Discount features for rule frequency bins are used.", 325, 471, 540, 492, 10.0, False, "")
    assert _breaks(plain, Line("Chiang et al. (2009) use them too.", 335, 485, 540, 498, 10.0, False, ""), 540, False)


def test_a_headings_second_line_joins_it():
    """Old scans set a long heading's second line as a block of its own: A00-2019's "2.1 Measures based on
    the general" / "corpus:" opened the section's text with "corpus:", C90-2039's "Method" was a section."""
    from papercli.ingest.pdf import _join_heading_lines

    def block(text, x0, y0, kind, bold=True):
        b = Block([Line(text, x0, y0, x0 + 180, y0 + 12, 10.5, bold, "")], 3)
        b.kind = kind
        return b

    page = [block("2.1 Measures based on the general", 108, 126, "heading"), block("corpus:", 136, 139, "body"),
            block("The system computes mutual information comparing the", 108, 160, "body", bold=False)]
    _join_heading_lines([page])
    assert [(b.kind, b.text) for b in page[:1]] == [("heading", "2.1 Measures based on the general corpus:")]
    assert len(page) == 2
    page = [block("5. The Strategic Incremental Copy Graph Unification", 297, 529, "heading"),
            block("Method", 310, 541, "heading")]
    _join_heading_lines([page])
    assert [b.text for b in page] == ["5. The Strategic Incremental Copy Graph Unification Method"]
    page = [block("2.1 Measures based on the", 108, 126, "heading"), block("general domain", 136, 139, "body"),
            block("corpus:", 136, 152, "body")]
    _join_heading_lines([page])
    assert [b.text for b in page] == ["2.1 Measures based on the general domain corpus:"]
    # a new section right below, a numbered one, or one flush with the number: separate headings
    for second in (block("5.1 Setup", 297, 541, "heading"), block("References", 297, 541, "heading"),
                   block("we use it", 310, 600, "body")):
        page = [block("5 Experiments", 297, 529, "heading"), second]
        _join_heading_lines([page])
        assert len(page) == 2


def test_bold_capitals_headings_of_old_scans():
    """W93-0111 sets its headings in bold capitals, centred, often over two or three lines ("EXPERIMENT #2:" /
    "DISAMBIGUATION OF -ED" / "FORMS"); they had been run into the paragraphs. A table's header in bold
    capitals ("TEST 1 TEST 2") is no heading."""
    from papercli.ingest.pdf import _capitals_heading, _classify, _join_heading_lines

    def block(text, x0, y0, x1, bold=True, size=11.2):
        b = Block([Line(text, x0, y0, x1, y0 + 16, size, bold, "")], 6)
        _classify(b, 9.8, 792.0, {})
        return b

    assert _capitals_heading(block("THE CORPUS -- TECHNICAL,", 99, 528, 282), 9.8)
    assert not _capitals_heading(block("BI-TAGS: TEST 1 TEST 2", 99, 528, 282), 9.8)
    assert not _capitals_heading(block("THE CORPUS -- TECHNICAL,", 99, 528, 282, bold=False), 9.8)
    assert not _capitals_heading(block("WE USE THE CORPUS.", 99, 528, 282), 9.8)
    for row in ("SYSTEM PRECISION RECALL F-MEASURE", "NP VP PP ADJP ADVP SBAR"):  # a table's header (found by review)
        assert not _capitals_heading(block(row, 99, 528, 282), 9.8), row
    assert _capitals_heading(block("THE ROLE OF THE LEXICON", 99, 528, 282), 9.8)
    page = [block("EXPERIMENT #1:", 377, 108, 487), block("P(T|W) = P(W|T) P(T)", 349, 125, 515, bold=False)]
    _join_heading_lines([page])
    assert len(page) == 2  # a formula under an open heading is no part of it
    page = [block("EXPERIMENT #2:", 377, 108, 487), block("DISAMBIGUATION OF -ED", 349, 125, 515),
            block("FORMS", 410, 142, 452, bold=False)]
    assert [b.kind for b in page] == ["heading", "heading", "body"]
    _join_heading_lines([page])
    assert [(b.kind, b.text) for b in page] == [("heading", "EXPERIMENT #2: DISAMBIGUATION OF -ED FORMS")]
    page = [block("FURTHER DISCUSSION AND", 348, 126, 529), block("FUTURE DIRECTIONS", 367, 143, 507, bold=False)]
    _join_heading_lines([page])
    assert [b.text for b in page] == ["FURTHER DISCUSSION AND FUTURE DIRECTIONS"]


def test_a_starred_footnote_low_on_the_page_is_a_footnote():
    """W93-0111's "* This material is based upon work supported by ..." (body type, a space after the star)
    sat inside "... an important and challenging [footnote] problem."."""
    from papercli.ingest.pdf import _classify

    for text, kind in (("* This material is based upon work supported by the NSF", "footnote"),
                       ("*This material is based upon work supported by the NSF", "footnote"),
                       ("This material is based upon work supported by the NSF", "body")):
        b = Block([Line(text, 87, 675, 286, 688, 9.8, False, "")], 1)
        _classify(b, 9.8, 792.0, {})
        assert b.kind == kind, text


def test_a_tables_cells_and_its_caption_in_one_block_are_split():
    """I08-1004: MuPDF gave Table 1's cells and its caption as one block, so the caption was not seen as
    one and the cells were read as a body paragraph. A caption line under prose stays in its paragraph."""
    from papercli.ingest.pdf import _split_block

    cells = [_line(t, y0=509 + 12 * i) for i, t in enumerate(["Scheme/m 1 2 3 4", "Min 78.5 79.8 80.8 80.8",
                                                               "Dynamic 80.8 82.3 83.0 82.9"])]
    caption = [_line("Table 1: Comparison of different context-sensitive", y0=569), _line("convolution tree kernels", y0=580)]
    assert [len(p) for p in _split_block(cells + caption, 10.7)] == [3, 2]
    prose = [_line("the results of the parser on the test set are shown in the", y0=100),
             _line("Table 2. The results are good.", y0=112)]
    assert [len(p) for p in _split_block(prose, 10.7)] == [2]


def test_the_authors_line_has_no_note_marks():
    from papercli.ingest.pdf import _authors_line

    assert _authors_line(["Christoph Tillmann\u2217 Hermann Ney"]) == "Christoph Tillmann, Hermann Ney"
    assert _authors_line(["Pontus Stenetorp\u2217Sampo Pyysalo2,3\u2217Goran Topi\u0107"]) == \
        "Pontus Stenetorp, Sampo Pyysalo, Goran Topi\u0107"
    assert _authors_line(["Renata Vieira*", "Massimo Poesio t"]) == "Renata Vieira, Massimo Poesio"  # OCR'd dagger
    assert _authors_line(["Hans-Peter Zorn\u2020 and Iryna Gurevych\u2020\u2021"]) == "Hans-Peter Zorn and Iryna Gurevych"
    assert _authors_line(["K. Vijay-Shanker", "Anna Korhonen"]) == "K. Vijay-Shanker, Anna Korhonen"
    # (found by review) wide spaces set names apart; a mark after a space goes too; "and" stays a word
    assert _authors_line(["Min Zhang         Jie Zhang       Jian Su"]) == "Min Zhang, Jie Zhang, Jian Su"
    assert _authors_line(["Alex Lascarides •", "Ann Copestake"]) == "Alex Lascarides, Ann Copestake"
    assert _authors_line(["Hwee Tou Ng  and  Jin Kiat Low"]) == "Hwee Tou Ng and Jin Kiat Low"
    assert _authors_line(["Massimo Poesio t and Renata Vieira"]) == "Massimo Poesio and Renata Vieira"


def test_a_section_name_in_small_type_is_no_heading():
    """C10-2052's Table 6 has a bold 7.9 pt row "Related Work" (body 10.9 pt): it had opened a bogus section
    that took the rest of section 5.4. A numbered heading in small type (CL journals) stays a heading."""
    from papercli.ingest.pdf import _classify

    def kind(text, size):
        b = Block([Line(text, 107, 425, 157, 433, size, True, "")], 7)
        _classify(b, 10.9, 792.0, {})
        return b.kind

    assert kind("Related Work", 7.9) == "body" and kind("Related Work", 10.9) == "heading"
    assert kind("2.1 The EM Algorithm", 8.5) == "heading"


def test_a_numbered_heading_over_two_lines_or_with_a_number_in_its_title():
    """P97-1041's "2 Transformation-based / Segmentation" is in body type over two lines, the second set under
    the title (a paragraph's second line is not indented); N13-1093's bold "2.2 Stage 2" is a heading though
    its title holds a number, while a bold formula "4 V k a;" and a table's "16 Ku" are not."""
    from papercli.ingest.pdf import _classify

    def kind(lines, bold=False, size=9.3):
        b = Block([Line(t, x0, y, x0 + 8 * len(t), y + 10, size, bold, "") for t, x0, y in lines], 2)
        _classify(b, 9.3, 792.0, {})
        return b.kind

    assert kind([("2 Transformation-based", 82, 491), ("Segmentation", 102, 504)]) == "heading"
    assert kind([("2 Transformation-based", 102, 491), ("Segmentation", 82, 504)]) == "body"  # a paragraph's indent
    assert kind([("2.2 Stage 2", 310, 512)], bold=True) == "heading"
    assert kind([("4 V k a;", 310, 512)], bold=True, size=16.2) != "heading"
    assert kind([("16 Ku", 310, 512)], bold=True) != "heading"


def test_a_bold_label_before_a_sentence_gets_a_colon():
    """A92-1018 lists a tagger's properties as bold labels run into their text ("Robust" + "Text corpora
    contain ..."): the label leads its sentence with a colon, "Robust: Text ..." (not a word of that sentence)."""
    from papercli.ingest.pdf import _add_body_block, _run_in_label

    def line(text, prefix):
        return Line(text, 77, 524, 310, 537, 9.3, False, prefix)

    assert _run_in_label(line("Robust Text corpora contain ungrammatical con-", "Robust"))
    assert _run_in_label(line("Slot overlap Features to measure the overlap", "Slot overlap"))
    for text, prefix in (("Robust. Text corpora contain", "Robust."),  # has its stop: a run-in heading's case
                         ("4 Conclusion and future research", "4"),   # a number, not a label
                         ("neighbors There are not many", "neighbors"),  # figure text in lower case
                         ("Robust text corpora contain", "Robust")):  # the text goes on in lower case
        assert not _run_in_label(line(text, prefix)), text
    builder = _builder("corpora")
    _add_body_block(builder, Block([line("Robust Text corpora contain ungrammatical constructions.", "Robust")], 1))
    builder.close()
    assert builder.doc.sections[-1].paragraphs[-1].text == "Robust: Text corpora contain ungrammatical constructions."


def test_an_unmarked_affiliation_footnote_and_its_rest_leave_the_sentence():
    """A scan's "Present affiliation: ..." note in body type, low on the page, with its rest set as a block of its
    own after a comma, is a footnote, not text spliced into the sentence above it (C90-2039)."""
    from papercli.ingest.pdf import _read

    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    text = "We describe a parser for spoken language that runs in linear time. " * 9 + "For example, a spoken"
    page.insert_textbox(pymupdf.Rect(72, 560, 300, 712), text, fontsize=9, fontname="tiro")
    page.insert_text((72, 722), "Present affiliation: Information Science Research Laboratory,", fontsize=9,
                     fontname="tiro")
    page.insert_textbox(pymupdf.Rect(110, 726, 300, 760), "NTT Basic Research Laboratories, Tokyo 180, Japan.",
                        fontsize=9, fontname="tiro")
    page.insert_textbox(pymupdf.Rect(320, 72, 540, 300), "Japanese analysis system uses most of its time in "
                        "unification, which we make faster in this paper.", fontsize=9, fontname="tiro")
    kinds = {p.text[:12]: p.kind for s in _read(doc, "t.pdf").sections for p in s.paragraphs}
    assert kinds.get("Present affi") == "footnote" and kinds.get("NTT Basic Re") == "footnote", kinds


def test_a_captions_rest_in_small_type_stays_with_the_caption():
    """A caption whose first line is set in body type and the rest in small type below it (P09-1074): the
    rest is the caption's, not text spliced into the sentence that runs past the table."""
    from papercli.ingest.pdf import _read

    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    body = "The resolver uses a learned classifier over mention pairs and clusters them in a second step. " * 6
    page.insert_textbox(pymupdf.Rect(72, 72, 300, 700), body + "To achieve good performance, it employs a",
                        fontsize=10.9, fontname="tiro")
    page.insert_text((320, 153), "Table 2:", fontsize=10.9, fontname="tiro")  # the label in body type, the rest small
    page.insert_text((360, 153), "Dataset characteristics including the number of", fontsize=9, fontname="tiro")
    for k, rest in enumerate(["documents, annotated mentions, coreference chains per", "CEs per chain and the",
                              "train/test split."]):  # (a line of its own may go on in capitals once the caption did)
        page.insert_text((320, 168 + 13 * k), rest, fontsize=9, fontname="tiro")
    page.insert_textbox(pymupdf.Rect(320, 240, 540, 500), "fairly comprehensive set of 61 features introduced in "
                        "previous coreference resolution systems. " + body, fontsize=10.9, fontname="tiro")
    paras = [p for s in _read(doc, "t.pdf").sections for p in s.paragraphs]
    captions = [p.text for p in paras if p.kind == "caption"]
    assert captions == ["Table 2: Dataset characteristics including the number of documents, annotated mentions, "
                        "coreference chains per CEs per chain and the train/test split."], captions
    assert any("it employs a fairly comprehensive set of 61 features" in p.text for p in paras)
    # a short caption over a table's small-type cells is not wrapped: the cells are no part of its text
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_textbox(pymupdf.Rect(72, 72, 300, 700), body, fontsize=10.9, fontname="tiro")
    page.insert_text((320, 153), "Table 2: Results on the test set", fontsize=10.9, fontname="tiro")
    page.insert_text((326, 170), "System P R F1 Baseline 70.1 68.2 69.1 Ours 74.3 71.0 72.6", fontsize=9,
                     fontname="tiro")
    paras = [p for s in _read(doc, "t.pdf").sections for p in s.paragraphs]
    assert "Table 2: Results on the test set" in [p.text for p in paras if p.kind == "caption"]
    # a centred caption's last line, set as a block of its own (C04-1131)
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_textbox(pymupdf.Rect(72, 72, 300, 700), body, fontsize=11, fontname="tiro")
    page.insert_text((342, 700), "Table 7: optimal context size using both", fontsize=11, fontname="tiro")
    page.insert_text((402, 716), "classifiers.", fontsize=11, fontname="tiro")
    paras = [p for s in _read(doc, "t.pdf").sections for p in s.paragraphs]
    assert [p.text for p in paras if p.kind == "caption"] == ["Table 7: optimal context size using both classifiers."]


def test_a_block_of_footnotes_is_one_paragraph_per_note():
    """Notes set in one block, each line opening with a raised mark ("1 The same data ..." / "2 http://...",
    E12-1054): one footnote paragraph each, without its mark ("2http://..." before); a formula's subscript
    wrapped to a line's start ("1) =") opens no note."""
    from papercli.ingest.pdf import _read

    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_textbox(pymupdf.Rect(72, 72, 300, 600), "The corpus holds essays written by students. " * 30,
                        fontsize=10, fontname="tiro")
    for k, (mark, note) in enumerate([("1", "The same artificial data as described in Section 3.2."),
                                      ("2", "http://code.google.com/p/dkpro-spelling-asl/"),
                                      ("3", "Using a revision dump from April 5, 2011."),
                                      ("4", "50 of the 120 papers were left out.")]):
        y = 710 + 11 * k
        page.insert_text((72, y - 3), mark, fontsize=6, fontname="tiro")
        page.insert_text((76, y), note, fontsize=8, fontname="tiro")
    notes = [p.text for s in _read(doc, "t.pdf").sections for p in s.paragraphs if p.kind == "footnote"]
    assert notes == ["The same artificial data as described in Section 3.2.",
                     "http://code.google.com/p/dkpro-spelling-asl/", "Using a revision dump from April 5, 2011.",
                     "50 of the 120 papers were left out."], notes  # the mark goes, not the note's own digits


def test_a_headings_line_end_hyphen_and_a_titles_full_stop(tmp_path):
    """A heading wrapped with a hyphen reads as one word ("Relation Ex-" / "traction": P06-1104, I05-3013), and a
    title set as a sentence loses its full stop (A00-2034's "... Alternations.")."""
    from papercli.ingest import load_document

    path = tmp_path / "wrapped.pdf"
    _front_page_pdf(path, "", [(100, 16, True, "Identifying Role Switching Alternations."),
                               (160, 12, True, "3 Composite Kernels for Relation Ex-"),
                               (174, 12, True, "traction"),
                               (200, 10, False, "We study how people read papers in this short text about relation extraction.")])
    doc = load_document(str(path))
    assert doc.title == "Identifying Role Switching Alternations"
    assert [s.heading for s in doc.sections] == ["3 Composite Kernels for Relation Extraction"]


def test_glyphs_without_a_text_mapping_are_unreadable_characters(tmp_path):
    """A font without a text mapping reads as control characters ("closed formula \\x10\\x16\\x15": P04-1018's
    numbers): they become U+FFFD, and a paper with many such sentences says so."""
    import pymupdf

    from papercli.ingest import load_document

    path = tmp_path / "glyphs.pdf"
    pdf = pymupdf.open()
    page = pdf.new_page(width=612, height=792)
    page.insert_text((72, 60), "Counting Partitions", fontsize=16, fontname="tibo")
    page.insert_text((72, 100), "1 Introduction", fontsize=12, fontname="tibo")
    for i in range(8):
        tail = "the number \x10\x16 grows fast." if i % 2 else "the number grows fast."
        page.insert_text((72, 130 + 14 * i), f"In test {i} of the study we see that {tail}", fontsize=10)
    pdf.save(path)
    doc = load_document(str(path))
    text = " ".join(s.text for _, _, s in doc.body_sentences())
    assert "\x10" not in text and "the number \ufffd\ufffd grows" in text
    assert any("50% of the sentences hold unreadable characters" in w for w in doc.warnings), doc.warnings
    pdf = pymupdf.open()  # a page with a fifth of its characters unreadable keeps its text (the page was dropped
    page = pdf.new_page(width=612, height=792)  # past a tenth: a code review)
    page.insert_text((72, 60), "Counting Partitions", fontsize=16, fontname="tibo")
    page.insert_text((72, 100), "1 Introduction", fontsize=12, fontname="tibo")
    for i in range(8):
        page.insert_text((72, 130 + 14 * i), f"In test {i} the count \x10\x16\x10\x16\x10\x16\x10\x16 grows fast.", fontsize=10)
    pdf.save(tmp_path / "fifth.pdf")
    doc = load_document(str(tmp_path / "fifth.pdf"))
    assert sum(1 for _ in doc.body_sentences()) == 8 and not any("U+FFFD" in w for w in doc.warnings), doc.warnings
    from papercli.ingest.pdf import _norm

    assert _norm("a \ue001\uf8ee b") == "a \ufffd\ufffd b"  # a font's private-use codes (a fuzzer's PDF read as text)


def test_a_footnote_in_the_block_of_the_text_above_it_is_split_off():
    """P06-1104 sets page 1's last paragraph and the footnote under it in one MuPDF block: the block's type size was
    the footnote's, so the paragraph was read as a footnote."""
    body = [Line(t, 306, y, 527, y + 11, 11.0, False, "") for t, y in
            (("The rest of the paper is organized as follows.", 642), ("Section 5 compares our method with the", 692))]
    note = [Line("1 Convolution kernels were proposed for a discrete structure", 306, 718, 527, 727, 9.0, False, "", 1),
            Line("by Haussler (1999) in the machine learning field.", 306, 730, 527, 739, 9.0, False, "")]
    assert [len(p) for p in _split_block(body + note, 11.0, 792.0)] == [2, 2]
    assert [len(p) for p in _split_block(body + note, 11.0, 1200.0)] == [4]  # high on the page: a formula's subscripts
    assert [len(p) for p in _split_block(body + [replace(note[0], marker=0)] + note[1:], 11.0, 792.0)] == [4]


def test_a_bold_label_on_a_line_of_its_own_is_a_paragraph_of_its_own():
    """W06-2709's "Research Scenario" (bold, a line of its own) had run into its text: "Research Scenario The database
    ANNIS is ..." in a summary."""
    from papercli.ingest.pdf import _breaks

    label = Line("Research Scenario", 72, 722, 158, 737, 10.9, True, "")
    text = Line("The database ANNIS is being developed in the", 72, 738, 290, 752, 10.9, False, "")
    assert _breaks(label, text, 290, False)
    assert not _breaks(replace(label, bold=False), text, 290, False)
    assert not _breaks(replace(label, text="We use the parser of Smith, which"), text, 290, False)
    assert not _breaks(label, replace(text, text="the database ANNIS"), 290, False)
