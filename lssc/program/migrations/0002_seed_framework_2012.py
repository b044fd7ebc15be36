"""Seed the October 2012 revision of the competency framework: ten sets and their competencies.

The statements are our own wording of the published framework. Four items could not be read in
full at the source and were written to fit their set's scope: Adult Readers' Advisory 12,
Supervision and Management 15 and 16, and Youth Services 12.
"""

from datetime import date

from django.db import migrations

FRAMEWORK_NAME = "October 2012 revision"
FRAMEWORK_EFFECTIVE_FROM = date(2012, 10, 1)

REQUIRED = "required"
ELECTIVE = "elective"

# (code, name, kind, summary, competency statements in order)
SETS = [
    (
        "foundations",
        "Foundations of Library Services",
        REQUIRED,
        "The groundwork every library worker needs: what libraries are for, the ethics and "
        "values behind library service, how libraries are organised, governed and funded, and "
        "how their departments work together. It also covers good customer service, serving "
        "people with different needs and applying policy with sound judgement. Every candidate "
        "takes this set, whatever their job or type of library.",
        [
            "Explains the library's mission and the part it plays in its community, as well as "
            "the wider purpose that libraries serve.",
            "Applies the ethics and values of library work, such as intellectual freedom and "
            "the privacy and confidentiality of user records, as set out in the Library Bill of "
            "Rights and the ALA Code of Ethics.",
            "Describes what support staff do in different kinds of library and how their work "
            "relates to that of librarians and other colleagues.",
            "Explains what each department or area of a library does and how their work fits "
            "together.",
            "Understands the basics of four core library functions: reference; circulation, "
            "including interlibrary loan and keeping the shelves in order; cataloging and "
            "classification of new material; and acquisitions and collection development.",
            "Describes how libraries are governed and funded, and where a library sits within "
            "its parent institution or level of government.",
            "Explains what libraries gain by cooperating and sharing resources with one another.",
            "Keeps their own knowledge and skills up to date, including by taking part in "
            "professional associations.",
            "Puts the principles of good customer service into practice in everyday work.",
            "Promotes the library's mission and services to colleagues, volunteers, users and "
            "the wider community.",
            "Recognises that users have different needs and preferences, and responds to each "
            "person in a way that suits them.",
            "Follows and supports library policies and decisions, and can judge when a "
            "situation justifies an exception.",
        ],
    ),
    (
        "technology",
        "Technology",
        REQUIRED,
        "How technology supports library work and the people who use the library: keeping up "
        "with new tools, protecting data and privacy, helping the public with computers, the "
        "internet and library software, basic troubleshooting and assistive technology. Every "
        "candidate takes this set; it suits staff in any role, since almost every library job "
        "now involves technology.",
        [
            "Keeps up with current technology trends and how they apply to library work.",
            "Explains the library's part in giving the public access to technology and in "
            "helping people build digital literacy.",
            "Protects the accuracy and integrity of library data and keeps users' activity "
            "confidential.",
            "Understands the questions that arise about appropriate use of technology by "
            "different groups of users, and handles them fairly.",
            "Adapts readily to new and changing technology.",
            "Helps and trains users with public computers and other equipment, internet access, "
            "library software and the library's online services.",
            "Explains how technology is used to create, find and retrieve information, and uses "
            "discovery tools with skill.",
            "Carries out basic troubleshooting of equipment and software, and either solves the "
            "problem or passes it to the right person.",
            "Knows the basics of assistive technology that gives people with disabilities equal "
            "access to library services.",
        ],
    ),
    (
        "communication-teamwork",
        "Communication and Teamwork",
        REQUIRED,
        "The people skills of library work: communicating clearly with users and colleagues, "
        "handling conflict and sensitive conversations, anticipating what people need and being "
        "a good member of a team who gives and takes feedback well. Every candidate takes this "
        "set; it is useful in public-facing and behind-the-scenes roles alike.",
        [
            "Applies the basics of good interpersonal relations, customer service, teamwork and "
            "communication.",
            "Chooses a way of communicating that suits the audience's language, style and needs.",
            "Resolves conflicts constructively and recognises when an issue should go to a "
            "supervisor.",
            "Communicates in a way that makes them approachable and gets information across "
            "clearly.",
            "Offers help proactively, anticipating what users are likely to need.",
            "Uses words, tone and body language that make each interaction a positive one.",
            "Delivers difficult or sensitive information with tact and care.",
            "Works as an effective team member: commits to shared goals, treats colleagues with "
            "respect and supports the decisions the team has made.",
            "Asks for, gives and accepts constructive feedback.",
        ],
    ),
    (
        "access-services",
        "Access Services",
        ELECTIVE,
        "Getting materials into people's hands: circulation, reserves, interlibrary loan and "
        "resource sharing, the copyright and privacy rules behind them, shelving, handling money "
        "and keeping people and collections safe. It suits staff who work at a circulation or "
        "service desk, or who handle loans between libraries.",
        [
            "Explains traditional and newer ways of organising library collections.",
            "Uses the processes, technology and equipment behind circulation, resource sharing, "
            "reserves and other user services.",
            "Applies copyright law as it affects reserves, document delivery and interlibrary "
            "loan.",
            "Follows the principles and procedures that protect users' privacy.",
            "Applies the policies that govern resource sharing between libraries.",
            "Helps keep people, equipment and collections safe and secure.",
            "Explains the library's access policies to users clearly.",
            "Uses customer-service approaches that make every user feel welcome.",
            "Helps people in emergencies and in a wide range of everyday situations, with "
            "respect for their different needs.",
            "Handles money and keeps accurate records of financial transactions.",
            "Shelves, shifts and reads the shelves so that items can be found where they belong.",
            "Solves problems that come up in circulation and resource sharing.",
            "Helps collect and report data about the library's collections and services.",
        ],
    ),
    (
        "adult-readers-advisory",
        "Adult Readers' Advisory Services",
        ELECTIVE,
        "Helping adults find their next book, film or album: knowing the collection and popular "
        "genres, using advisory and review tools, describing what makes a title appealing, and "
        "running reading programs and displays. It suits staff who enjoy matching people with "
        "things to read, watch and listen to, often in public libraries.",
        [
            "Knows the library's collection and where items are kept, by format and by genre.",
            "Is familiar with popular and classic fiction, its authors and genres, and with "
            "popular non-fiction of the day.",
            "Uses reference and review sources for music.",
            "Uses reference and review sources for film and its genres.",
            "Knows the formats and resources available to readers with visual, hearing or "
            "cognitive disabilities.",
            "Uses print and online readers' advisory tools and review sources, including social "
            "media.",
            "Sums up the plot and appeal of a book or film in a few words.",
            "Recommends titles without passing judgement on a reader's tastes.",
            "Helps users get titles in the format they prefer, whether print, audio or video, "
            "e-book or online.",
            "Helps plan, promote and run programs built on the collection, such as book groups, "
            "summer reading and film showings, and works with community groups on them.",
            "Helps put together reading lists and displays by genre, period, subject or creator.",
            "Suggests titles for the library to add, based on what readers ask for and enjoy.",
        ],
    ),
    (
        "cataloging-classification",
        "Cataloging and Classification",
        ELECTIVE,
        "How library materials are described and organised so that people can find them: "
        "cataloging tools and rules, metadata, classification schemes, authority control and "
        "shared cataloging. It suits staff in technical services and anyone who creates or "
        "edits catalog records.",
        [
            "Uses the processes, computer systems and equipment involved in cataloging.",
            "Uses the core print and online cataloging tools, including shared bibliographic "
            "databases and format standards.",
            "Applies metadata formats and cataloging rules to choose, review and edit records "
            "and to create metadata.",
            "Applies classification and other schemes for organising a collection.",
            "Applies authority control and assigns access points for personal names, "
            "organisations, series and subjects.",
            "Explains the value of cataloging cooperatively with other libraries.",
            "Explains to users how cataloging helps them find what they are looking for.",
            "Explains the part technology plays in retrieving information, and uses tools that "
            "store and retrieve metadata.",
        ],
    ),
    (
        "collection-management",
        "Collection Management",
        ELECTIVE,
        "Building and looking after a collection: selection and weeding, acquisitions and "
        "processing, review sources, resource-sharing agreements, preservation and collection "
        "policies. It suits staff who order, process or care for materials, or who help decide "
        "what the library keeps.",
        [
            "Uses the integrated library system, online tools and data to manage the collection.",
            "Explains the principles of developing and managing a collection.",
            "Helps make decisions about selecting, weeding, keeping and replacing items.",
            "Follows acquisitions and processing procedures that give users access to a wide "
            "range of content.",
            "Explains how content in different formats is produced and distributed to libraries.",
            "Takes resource-sharing agreements into account when making collection decisions.",
            "Uses standard evaluation and review sources.",
            "Applies the basics of preserving library materials.",
            "Prepares items physically and technically for use, accurately.",
            "Explains the library's collection policies and applies them.",
        ],
    ),
    (
        "reference-information",
        "Reference and Information Services",
        ELECTIVE,
        "Helping people find and judge information: knowing the library's resources, searching "
        "catalogs and databases, conducting a reference interview, teaching research skills and "
        "finding materials held elsewhere. It suits staff who answer questions at a reference or "
        "information desk, in person or online.",
        [
            "Knows the scope and strengths of the library's holdings in every format, including "
            "its special collections.",
            "Handles the legal and ethical sides of reference work, including privacy, "
            "confidentiality and copyright.",
            "Uses basic reference sources and community resources in every format.",
            "Uses classification and other schemes for organising information.",
            "Uses the search methods, displays and terms of the library catalog, website and "
            "other access tools.",
            "Conducts a reference interview to find out what a person needs, and knows when to "
            "refer the question to someone else.",
            "Teaches users basic research and digital-literacy skills.",
            "Picks the most suitable source, and judges information for quality, currency and "
            "authority.",
            "Finds materials in any format, whether the library holds them or they must come "
            "from elsewhere.",
        ],
    ),
    (
        "supervision-management",
        "Supervision and Management",
        ELECTIVE,
        "Leading people and running services: employment law, hiring and supervising staff, "
        "leadership, policies and procedures, budgets, fundraising, planning, partnerships and "
        "marketing. It suits staff who supervise others or manage a department, branch or small "
        "library, and those preparing to.",
        [
            "Explains the employment laws and regulations that apply to libraries, and how the "
            "law shapes library policy.",
            "Manages and supervises staff, and handles discipline fairly when it is needed.",
            "Takes part in recruiting, hiring, training, evaluating and promoting staff.",
            "Sets clear expectations for staff performance that are tied to the library's "
            "priorities.",
            "Applies the principles of good leadership.",
            "Plans staff development and encourages colleagues to take part in it.",
            "Explains how policies differ from procedures, and drafts both for approval.",
            "Requests a budget, makes the case for it and works within it.",
            "Raises funds and writes grant applications, including preparing a funding proposal.",
            "Plans and evaluates services using data about the community and its needs.",
            "Builds partnerships with other libraries, agencies and organisations.",
            "Markets the library by creating a marketing plan and carrying it out.",
            "Sets realistic goals and measurable objectives after weighing their benefits, risks "
            "and impact.",
            "Leads user-focused service that builds good relationships between staff and the "
            "people they serve.",
            "Applies basic principles of project management to plan, schedule and finish work "
            "on time and within the resources available.",
            "Guides staff through change, explaining new services, systems or procedures and "
            "supporting colleagues while they adjust.",
        ],
    ),
    (
        "youth-services",
        "Youth Services",
        ELECTIVE,
        "Public library service for children and teenagers, from birth to age 17: child and "
        "adolescent development, literacy, materials and technology for young people, the "
        "rights of minors, programs, and work with caregivers and schools. It suits staff who "
        "serve young people and their families.",
        [
            "Explains the library's role for all young people, including those with special "
            "needs and those from diverse backgrounds.",
            "Understands the stages of child and adolescent development and how to support "
            "literacy at each stage.",
            "Knows print and digital resources for young people, including award winners and "
            "classics, and helps choose them for the collection.",
            "Matches materials to a young person's reading level, interests and maturity.",
            "Recommends good websites for young people, encourages safe behaviour online and "
            "keeps up with the technology young people use.",
            "Understands the legal and policy questions in serving young people, including the "
            "rights of minors.",
            "Provides a welcoming, safe service for young people and the adults who care for them.",
            "Communicates well with young people, their caregivers, colleagues and organisations "
            "that serve youth.",
            "Helps design, promote, run and evaluate programs for young people.",
            "Works with schools and other organisations to serve young people.",
            "Follows good reference practice with young people and refers them to a librarian "
            "when needed.",
            "Speaks up for young people's library needs, explaining the value of youth services "
            "to colleagues, caregivers and the community.",
        ],
    ),
]


def seed_framework(apps, schema_editor):
    FrameworkVersion = apps.get_model("program", "FrameworkVersion")
    CompetencySet = apps.get_model("program", "CompetencySet")
    Competency = apps.get_model("program", "Competency")

    framework, _ = FrameworkVersion.objects.get_or_create(
        name=FRAMEWORK_NAME,
        defaults={
            "effective_from": FRAMEWORK_EFFECTIVE_FROM,
            "notes": "All ten competency sets as revised in October 2012.",
        },
    )
    for order, (code, name, kind, summary, statements) in enumerate(SETS, start=1):
        competency_set, _ = CompetencySet.objects.get_or_create(
            framework=framework,
            code=code,
            defaults={"name": name, "kind": kind, "order": order, "summary": summary},
        )
        for number, statement in enumerate(statements, start=1):
            Competency.objects.get_or_create(
                competency_set=competency_set,
                number=number,
                defaults={"statement": statement},
            )


def unseed_framework(apps, schema_editor):
    FrameworkVersion = apps.get_model("program", "FrameworkVersion")
    CompetencySet = apps.get_model("program", "CompetencySet")
    Competency = apps.get_model("program", "Competency")

    codes = [code for code, *_ in SETS]
    sets = CompetencySet.objects.filter(framework__name=FRAMEWORK_NAME, code__in=codes)
    Competency.objects.filter(competency_set__in=sets).delete()
    sets.delete()
    # Leave the version in place if anything else was added to it since.
    FrameworkVersion.objects.filter(name=FRAMEWORK_NAME, sets__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("program", "0001_framework_and_rules"),
    ]

    operations = [
        migrations.RunPython(seed_framework, unseed_framework),
    ]
