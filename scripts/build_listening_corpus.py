# ruff: noqa: E501 - whole sentences read best on one line
"""Build the training corpus of Goodwill's default listening model from fragments the Goodwill developers wrote.

Every word below was written by the team from what airline passengers commonly say, in the styles an airline
hears them: posts to the airline's social handle, emails to customer relations, answers to a post-flight survey
and reviews. Nothing here is copied or paraphrased from a data set (in particular not from ../shared/data, which
only measures the model). A seeded random generator combines the fragments into labelled messages: a sentiment
(negative, neutral, positive) and, for complaints, one or more topics of `goodwill.listening.taxonomy.TOPICS`.

    .venv/bin/python scripts/build_listening_corpus.py [--out PATH] [--seed N] [--train]

Writes src/goodwill/listening/corpus_data/corpus.csv (columns text, sentiment, topics; topics separated by ";"),
byte for byte the same for the same seed; with --train, also trains the shipped default model into
src/goodwill/listening/default_model (through `goodwill listening train`).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "src" / "goodwill" / "listening" / "corpus_data" / "corpus.csv"
MODEL = ROOT / "src" / "goodwill" / "listening" / "default_model"
SEED = 4
# Messages per kind; a complaint may name two topics.
NEGATIVE_ROWS = 9000
NEUTRAL_ROWS = 5000
POSITIVE_ROWS = 4500
TWO_TOPICS = 0.2

# ---------------------------------------------------------------------------------------------------------------
# Slots
HANDLES = ["@GoodwillAir", "@flyblueskies", "@NorthwindAir", "@AeroLinea", "@SkyHarbor", "@PineAirways",
           "@CoastalJet", "@MetroAir", "@StarboardAir", "@flyharbour", "@TrueNorthAir", "@SummitAirlines"]  # fmt: skip
CITIES = ["Boston", "Denver", "Chicago", "Newark", "Dallas", "Phoenix", "Seattle", "Atlanta", "Miami", "Houston",
          "Orlando", "Vegas", "LA", "NYC", "San Diego", "Portland", "Nashville", "Austin", "Philly", "DC", "Tampa",
          "Charlotte", "Detroit", "Raleigh", "Salt Lake", "Fort Lauderdale", "Pittsburgh", "New Orleans"]  # fmt: skip
AIRPORTS = ["JFK", "LGA", "EWR", "ORD", "DFW", "LAX", "SFO", "BOS", "DEN", "ATL", "MCO", "PHX", "IAD", "DCA",
            "CLT", "SEA", "MIA", "IAH", "LAS", "MSP", "DTW", "PHL", "BWI", "FLL", "SAN", "AUS", "BNA"]  # fmt: skip
TIMES = ["6am", "7:15", "8:30am", "noon", "2pm", "3:45", "5pm", "6:20pm", "9pm", "10:40pm", "midnight"]
HOURS = ["2", "3", "4", "5", "6", "two", "three", "four", "five", "2.5", "3+"]
MINUTES = ["45", "50", "55", "90", "40", "75", "120"]
DAYS = ["today", "tonight", "this morning", "yesterday", "last night", "on Monday", "on Friday", "this weekend",
        "over the holidays", "last week", "on Sunday"]  # fmt: skip
PEOPLE = ["my wife", "my husband", "my kids", "my mom", "my dad", "my family", "my daughter", "my son",
          "my grandmother", "my colleague", "my team", "my boyfriend", "my girlfriend",
          "my elderly parents"]  # fmt: skip
EVENTS = ["a wedding", "a job interview", "a funeral", "my connection", "a meeting", "my cruise", "a conference",
          "Christmas dinner", "my sister's graduation", "a concert", "my daughter's birthday"]  # fmt: skip
STAFF = ["the gate agent", "the agent", "the lady at the counter", "the guy at the desk", "the supervisor",
         "customer service", "your rep on the phone", "the ticket agent", "the staff", "your agents"]  # fmt: skip
CREW = ["the flight attendant", "the flight attendants", "the crew", "the cabin crew", "the pilot", "the captain",
        "the FA", "one of the FAs", "the purser", "the first officer"]  # fmt: skip


def slot(rng: random.Random, template: str) -> str:
    values = {
        "city": CITIES, "city2": CITIES, "airport": AIRPORTS, "time": TIMES, "hours": HOURS, "minutes": MINUTES,
        "day": DAYS, "people": PEOPLE, "event": EVENTS, "staff": STAFF, "crew": CREW,
    }  # fmt: skip
    out = template
    for name, choices in values.items():
        key = "{" + name + "}"
        while key in out:
            out = out.replace(key, rng.choice(choices), 1)
    while "{flight}" in out:
        out = out.replace("{flight}", rng.choice(["flight ", "flt ", "#", ""]) + str(rng.randint(10, 2999)), 1)
    while "{pnr}" in out:
        out = out.replace("{pnr}", "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6)), 1)
    while "{money}" in out:
        amount = rng.choice([25, 35, 50, 75, 100, 150, 200, 300, 450, 600])
        out = out.replace("{money}", rng.choice(["$", "$", "€", "£"]) + str(amount), 1)
    return out


# ---------------------------------------------------------------------------------------------------------------
# Complaints, by topic: what went wrong, said many ways.
COMPLAINTS: dict[str, list[str]] = {
    "late_flight": [
        "{flight} delayed again",
        "delayed {hours} hours and counting",
        "our flight is delayed for the third time",
        "sitting at the gate, delayed with no explanation",
        "we have been on the tarmac for {hours} hours",
        "{hours} hour delay and nobody tells us why",
        "the departure time keeps moving",
        "late again",
        "pushed back from {time} to {time}",
        "still waiting to board, we should have left at {time}",
        "stuck on the plane waiting for a gate for an hour",
        "delayed because the plane isn't here yet",
        "a {minutes} minute delay turned into {hours} hours",
        "we landed {hours} hours late",
        "delay after delay out of {airport}",
        "flight is late and I will miss my connection",
        "missed my connection in {city} because of your delay",
        "waiting on a crew that hasn't shown up",
        "every single flight this month has been late",
        "the board says delayed, the app says on time",
        "why is {flight} still not boarding",
        "mechanical delay, then another one",
        "sat on the runway for {hours} hours with no water",
        "weather is fine and we are still delayed",
        "delayed overnight, got in at {time}",
        "our {time} departure is now {time}",
        "2nd delay of the day on {flight}",
        "late arrival made me miss {event}",
        "delayed flight means I'm missing {event}",
        "we are still at the gate an hour after departure time",
        "plane sat at the gate for ages waiting on paperwork",
        "arrived so late the rental counter was closed",
    ],
    "cancellation": [
        "{flight} cancelled",
        "you cancelled my flight",
        "flight canceled with no notice",
        "cancelled again and no rebooking",
        "my flight to {city} was cancelled at the last minute",
        "got a text at {time} that my flight is cancelled",
        "cancelled and rebooked me two days later",
        "cancelled flight and no hotel",
        "flight cancelled after we boarded",
        "they just canceled the {time} flight",
        "second cancellation this week",
        "our flight home got cancelled",
        "cancelled due to 'crew issues'",
        "you cancel my flight and expect me to wait till tomorrow",
        "canceled flight, stuck in {city} overnight",
        "the only flight to {city} cancelled",
        "flight was cancelled and the next one is full",
        "canceled my flight and didn't even tell me",
        "cancellation email came after I got to the airport",
        "cancelled my return flight and now I am stranded",
        "they cancelled and the rebooking is on {day}",
    ],
    "lost_baggage": [
        "lost my bag",
        "my luggage didn't make it",
        "my bag is missing",
        "you lost my luggage",
        "my suitcase never arrived in {city}",
        "bag still not delivered after {hours} days",
        "luggage went to the wrong city",
        "my checked bag is lost",
        "where is my bag",
        "waited at baggage claim for an hour and no bag",
        "no one can tell me where my suitcase is",
        "filed a lost bag report {day} and heard nothing",
        "delayed bag with all my clothes in it",
        "my bags are somewhere between {city} and {city2}",
        "third day without my luggage",
        "you lost my car seat",
        "my golf clubs never showed up",
        "the bag tracker says delivered, it wasn't",
        "lost luggage and nobody answers the baggage office",
        "my bag didn't make the connection",
        "still no luggage, I have nothing to wear for {event}",
    ],
    "damaged_baggage": [
        "my suitcase arrived broken",
        "the handle of my bag was ripped off",
        "my luggage came back damaged",
        "you broke my suitcase",
        "wheel snapped off my bag",
        "my bag arrived soaking wet",
        "the stroller came back bent",
        "my guitar case is cracked",
        "zipper torn and things missing from my bag",
        "damaged bag and they won't pay for it",
        "my brand new suitcase is smashed",
        "my car seat came back broken",
        "bag arrived with a huge hole in it",
        "something in my suitcase was crushed",
    ],
    "customer_service": [
        "on hold for {hours} hours",
        "been on hold forever",
        "nobody answers the phone",
        "customer service hung up on me",
        "{staff} was no help at all",
        "{staff} was so rude",
        "your customer service is terrible",
        "no response to my emails",
        "the call dropped after an hour on hold",
        "three different agents told me three different things",
        "{staff} just shrugged",
        "nobody at the desk knows anything",
        "no one will help us",
        "chat bot is useless",
        "I DM'd you {day} and still no answer",
        "your agents don't care",
        "called {hours} times and got nowhere",
        "{staff} rolled her eyes at me",
        "{staff} refused to help",
        "the help line says call back later",
        "waited in line to talk to someone and they sent me to another desk",
        "the supervisor never came",
        "you don't answer tweets or calls",
        "the phone line is a joke",
        "your reps are clueless",
        "no communication whatsoever",
        "zero updates from your staff",
        "nobody tells us anything",
        "treated like cattle by {staff}",
        "hold music for {hours} hours",
    ],
    "crew": [
        "{crew} was rude",
        "{crew} yelled at a passenger",
        "{crew} ignored the call button",
        "{crew} was so unprofessional",
        "the flight attendants were chatting instead of working",
        "{crew} was rude to my elderly mom",
        "{crew} refused to help me with my bag",
        "{crew} made fun of a passenger",
        "the FAs were rude and unhelpful",
        "{crew} slammed the cart into my knee",
        "the pilot never told us what was going on",
        "{crew} had such an attitude",
        "{crew} told me to sit down and be quiet",
        "crew was grumpy the whole flight",
        "{crew} wouldn't let me use the restroom",
        "cabin crew didn't do a single drink service",
    ],
    "booking": [
        "your website won't let me book",
        "can't change my flight online",
        "charged twice for my ticket",
        "the booking site keeps crashing",
        "my reservation disappeared",
        "booked a seat and you gave it away",
        "name on my ticket is wrong and you won't fix it",
        "I can't select seats on my reservation",
        "rebooking online doesn't work",
        "the app lost my booking",
        "paid for an upgrade I never got",
        "ticket shows cancelled but I didn't cancel it",
        "confirmation {pnr} isn't showing up",
        "couldn't book the fare that was advertised",
        "my family got split up across the plane",
        "the website error at payment cost me the fare",
        "booked through your site and the flight isn't there",
        "you moved my seat without asking",
        "the price went up while I was paying",
    ],
    "long_lines": [
        "the line at check in is a mile long",
        "waited in line for {hours} hours",
        "the line at the counter isn't moving",
        "one agent for a line of 200 people",
        "huge lines at {airport}",
        "stood in line for an hour to drop a bag",
        "line at customer service wraps around the terminal",
        "longest line I've ever seen",
        "missed my flight because of the line at bag drop",
        "only two agents working and the line is huge",
        "rebooking line is {hours} hours long",
        "the queue at the gate is chaos",
    ],
    "comfort": [
        "the seat was broken",
        "my seat wouldn't recline",
        "so cramped I couldn't move",
        "the plane was filthy",
        "no legroom at all",
        "the cabin was freezing",
        "it was boiling hot on the plane",
        "the bathroom was disgusting",
        "the AC didn't work the whole flight",
        "turbulence and a dirty plane",
        "old plane with broken tray tables",
        "the worst flight of my life",
        "the seats are so uncomfortable",
        "stuck in a middle seat next to the toilet",
        "the plane smelled awful",
        "the armrest was broken",
        "rough landing and a miserable flight",
        "seat cushion was ripped",
        "no overhead space anywhere",
        "the lavatory was out of order",
        "crying babies and no air",
        "terrible flight",
    ],
    "refunds_compensation": [
        "still waiting for my refund",
        "you owe me a refund",
        "refund denied for a flight you cancelled",
        "you only offered a {money} voucher",
        "where is my compensation",
        "I want my money back",
        "refund was promised {day} and never came",
        "a voucher is not a refund",
        "you won't reimburse my hotel",
        "denied compensation for a {hours} hour delay",
        "no refund for the seat I paid for and didn't get",
        "the refund form gives an error",
        "you kept my money for a flight that never flew",
        "reimbursement for my meals was rejected",
        "they gave us a {money} meal voucher for a {hours} hour delay",
    ],
    "fees": [
        "charged {money} for a carry on",
        "{money} change fee is ridiculous",
        "charged a bag fee twice",
        "hidden fees everywhere",
        "{money} to pick a seat",
        "charged me {money} for an overweight bag",
        "fees for everything now",
        "the change fee costs more than the ticket",
        "paid {money} for a checked bag",
        "you charged me for a seat next to my child",
        "they charged me the bag fee even though I have status",
    ],
    "food": [
        "the food was inedible",
        "no food on a {hours} hour flight",
        "ran out of snacks before my row",
        "the sandwich was stale",
        "no vegetarian meal even though I ordered one",
        "coffee tasted like dirt",
        "they ran out of water",
        "meal was cold and gross",
        "no drinks service at all",
        "the only snack was pretzels",
        "the special meal I booked wasn't loaded",
    ],
    "wifi_entertainment": [
        "the wifi didn't work",
        "paid {money} for wifi that never connected",
        "no entertainment on a {hours} hour flight",
        "my screen was broken",
        "the tv didn't work",
        "wifi kept dropping",
        "no movies, no wifi, nothing",
        "headphone jack broken",
        "the entertainment system crashed",
        "no power outlets and no wifi",
        "the streaming doesn't work",
        "the seatback screen froze the whole flight",
    ],
    "check_in": [
        "can't check in online",
        "the app won't give me a boarding pass",
        "the kiosk won't print my boarding pass",
        "online check in keeps failing",
        "check in closed early and they wouldn't let me on",
        "the app crashes every time I try to check in",
        "mobile boarding pass won't load",
        "they said I was too late to check in with {minutes} minutes to go",
        "can't check my bag online",
        "error at check in, had to go to the desk",
        "denied boarding at the gate",
    ],
    "loyalty": [
        "my miles never posted",
        "you took my status away",
        "points from my last trip are missing",
        "can't use my miles on any flight",
        "my frequent flyer number won't save",
        "lost my elite status",
        "the companion pass doesn't work",
        "my miles expired without warning",
        "no upgrade even with status",
        "gold member and treated like dirt",
        "the rewards program is worthless now",
    ],
    "cant_tell": [
        "you guys are the worst",
        "worst airline ever",
        "never flying with you again",
        "what a joke",
        "this airline is a disaster",
        "you ruined my trip",
        "so disappointed in you",
        "this is unacceptable",
        "do better",
        "I'm done with this airline",
        "terrible experience",
        "you should be ashamed",
        "how is this legal",
        "every time I fly with you something goes wrong",
        "what a mess",
        "I'll be driving next time",
        "you have lost a customer",
        "shame on you",
        "not impressed",
    ],
}

# Words of anger, disappointment or sarcasm around a complaint.
NEGATIVE_FEELINGS = [
    "this is ridiculous",
    "so frustrated",
    "unacceptable",
    "never again",
    "worst airline",
    "thanks for nothing",
    "great job...",
    "awesome. just awesome.",
    "love that for me",
    "seriously?",
    "are you kidding me",
    "so disappointed",
    "what a joke",
    "unbelievable",
    "this is a nightmare",
    "fix this",
    "do better",
    "absolutely pathetic",
    "I'm furious",
    "horrible",
    "#fail",
    "#neveragain",
    "smh",
    "ugh",
    "wtf",
    "this is insane",
    "terrible",
    "not happy",
    "so angry right now",
    "I want answers",
    "pathetic",
    "this is the worst",
    "why does this always happen",
    "I'm done",
    "I am so upset",
    "disgraceful",
    "you should be embarrassed",
    "awful",
    "what is going on",
    "is anyone there?",
    "ridiculous",
    "thanks a lot",
    "way to go",
    "nice job",
    "how hard can it be",
    "#worstairline",
    "#customerservicefail",
    ":(",
    "😡",
    "😤",
    "🙄",
    "😩",
    "👎",
    "!!!",
    "why??",
    "come on",
    "not cool",
    "so tired of this",
    "never flying with you again",
    "you lost a customer",
    "I expected more",
    "sad",
    "exhausted and angry",
    "this is why people hate flying",
    "my kids are crying",
    "we're exhausted",
    "losing my mind",
]
CONSEQUENCES = [
    "now I'm missing {event}",
    "I'm stuck in {city} overnight",
    "we've been here since {time}",
    "{people} and I are stranded",
    "no one has offered us anything",
    "I have to be at work tomorrow",
    "we have small kids with us",
    "had to pay for a hotel myself",
    "missed {event} because of you",
    "this trip is ruined",
    "I've wasted my whole day at {airport}",
    "and nobody will tell us anything",
    "and not even an apology",
    "and the next flight isn't until {day}",
    "I had to rent a car and drive",
    "and I paid extra for this",
    "after {hours} hours at the airport",
]

# Praise, by what was good.
PRAISE = [
    "{crew} was amazing",
    "{crew} was so kind to {people}",
    "great crew on {flight}",
    "the flight was perfect",
    "smooth flight and early arrival",
    "landed early!",
    "on time and friendly crew",
    "best flight I've had in years",
    "{staff} went above and beyond",
    "{staff} fixed everything in five minutes",
    "thanks for getting us home",
    "thanks for rebooking me so fast",
    "love the new seats",
    "so much legroom",
    "the wifi was fast",
    "free movies and great snacks",
    "the food was actually good",
    "great service as always",
    "you made {people} so happy",
    "you got my bag back in a day",
    "found my lost bag, thank you",
    "refund came through quickly",
    "the upgrade made my day",
    "easiest check in ever",
    "love flying with you",
    "my favorite airline",
    "great experience from start to finish",
    "the pilot kept us informed the whole time",
    "helped {people} through the airport",
    "quick response on DM, thank you",
    "the app made rebooking easy",
    "thanks for the great customer service",
    "the crew made the delay bearable",
    "kudos to the team at {airport}",
    "excellent flight to {city}",
    "comfy seats and friendly faces",
    "{staff} was so helpful",
    "got the last seat thanks to {staff}",
    "thanks for the quick reply",
    "fantastic job handling the storm",
    "you guys rock",
    "the lounge at {airport} is lovely",
    "thank you for the birthday surprise",
    "you always take care of us",
    "seamless trip",
    "happy to be home thanks to you",
    "you were so helpful {day}",
    "the new terminal at {airport} is great",
    "flight attendant {crew_name} was the best",
]
POSITIVE_FEELINGS = [
    "thank you!",
    "thanks!",
    "thank you so much",
    "thanks so much",
    "love it",
    "you rock",
    "awesome",
    "amazing",
    "great job",
    "well done",
    "much appreciated",
    "appreciate it",
    "made my day",
    "❤️",
    "😊",
    "👍",
    "🙌",
    "👏",
    "<3",
    ":)",
    ":D",
    "#happytraveler",
    "#greatservice",
    "can't wait to fly again",
    "will fly again",
    "highly recommend",
    "best airline",
    "impressed",
    "so grateful",
    "you guys are the best",
    "kudos",
    "keep it up",
    "A+",
    "10/10",
    "wonderful",
    "fantastic",
    "excellent",
    "perfect",
    "nice!",
    "so happy",
    "love you guys",
    "thanks again",
    "big thanks",
    "really appreciate it",
    "ty",
    "thx",
]
CREW_NAMES = ["Maria", "Tom", "Keisha", "Raj", "Linda", "Carlos", "Ana", "Mike", "Jen", "Sam"]

# Neutral: questions and plain statements, about the same things.
QUESTIONS = [
    "what time does {flight} board",
    "is {flight} on time",
    "do you fly from {city} to {city2}",
    "how much is a checked bag",
    "can I bring my dog in the cabin",
    "what is the baggage allowance to {city}",
    "can I change my flight to {day}",
    "when will the {city} route open",
    "do you have wifi on flights to {city}",
    "how early should I be at {airport}",
    "can I get a window seat on {flight}",
    "is there a fee to change",
    "which terminal do you use at {airport}",
    "what's the policy for a stroller",
    "do you serve food on {flight}",
    "can I check in online for an international flight",
    "how do I add my frequent flyer number",
    "can I bring a car seat",
    "is the {time} to {city} full",
    "how do I request a wheelchair",
    "can I carry on a guitar",
    "what is the status of {flight}",
    "does {flight} have power outlets",
    "when does the sale end",
    "are there any flights to {city} {day}",
    "can you follow me so I can DM",
    "who do I contact about a receipt",
    "how do I get a receipt for {pnr}",
    "do you price match",
    "what's the weight limit for bags",
    "any news on {flight}",
    "is the {airport} lounge open",
    "can my son fly alone",
    "can I pay with points",
    "how many miles to {city}",
    "is there a direct flight from {city} to {city2}",
    "do I need a passport for {city}",
    "when do you start flying to {city}",
    "can I bring food through security",
    "what gate is {flight}",
    "how do I change the name on a ticket",
    "is it possible to upgrade at the gate",
    "can I get a refund if I cancel",
    "how do I report a lost item",
    "what's the best number to call",
    "are pets allowed on {flight}",
]
STATEMENTS = [
    "heading to {city} {day}",
    "flying {flight} to {city} tomorrow",
    "just booked my flight to {city}",
    "DM sent",
    "I sent you a DM with my confirmation number",
    "following you now",
    "at {airport} waiting to board",
    "boarding {flight} now",
    "on my way to {city}",
    "first time flying with you",
    "my flight is {flight}",
    "see you in {city}",
    "landed in {city}",
    "checking in for {flight}",
    "confirmation number is {pnr}",
    "we are flying to {city} for {event}",
    "booked {people} on the {time} to {city}",
    "taking {flight} to {city2} next week",
    "I followed you",
    "please see my DM",
    "reference number {pnr}",
    "new route from {city} to {city2} announced today",
    "flight {flight} from {airport} to {city}",
    "will be on {flight} {day}",
    "switching to the {time} flight",
    "off to {city}",
    "here we go, {city}",
    "sent the details by email",
    "my record locator is {pnr}",
    "travelling with {people} {day}",
    "airline announces new service to {city}",
    "the {airport} to {city} route starts in June",
    "picking up {people} from {flight}",
    "ok I will call the number",
    "got it, I'll try the app",
    "my bag tag number is {pnr}",
    "just checked in",
    "waiting at gate {pnr}",
]
NEUTRAL_TAILS = ["thanks", "thank you", "please", "?", "", "", "", "", "", "", "any info?", "please advise",
                 "let me know", "cheers", "thx", "appreciate it"]  # fmt: skip

# Positive after a problem: the recovery is what the passenger writes about.
RECOVERED = [
    "flight was delayed but {crew} kept us laughing",
    "cancelled, but {staff} rebooked us right away, thank you",
    "my bag was lost but it arrived the next morning, thanks",
    "long day but {staff} made it so much better",
    "rough weather but the pilot got us down safely, thank you",
    "delayed but you kept us informed, appreciate it",
    "late but the crew were wonderful",
    "rebooked quickly after the cancellation, great work",
]
# Still negative although polite.
POLITE_COMPLAINTS = [
    "I'm writing because {complaint}",
    "I'd like to report that {complaint}",
    "please help, {complaint}",
    "just so you know, {complaint}",
    "could someone look into this: {complaint}",
    "I hope you can help, {complaint}",
]

# Survey and email frames.
SURVEY_WRONG = ["What went wrong: ", "", "", "Comment: ", "Feedback: "]
EMAIL_OPEN = ["Dear Customer Relations,", "Hello,", "To whom it may concern,", "Dear Goodwill Air team,", "Hi,"]
EMAIL_CLOSE = ["Regards, a frustrated passenger", "Sincerely", "I expect a reply.", "Thank you for your time.",
               "Booking reference {pnr}.", "Kind regards"]  # fmt: skip
REVIEW_SCORE_NEG = ["1/10", "2/10", "1 star", "2 stars", "Avoid.", "Rating: 1/5", ""]
REVIEW_SCORE_POS = ["9/10", "10/10", "5 stars", "Rating: 5/5", "Recommended.", ""]


# ---------------------------------------------------------------------------------------------------------------
# More of the same, written in a second pass: other words for the same things, so the model learns the meaning
# rather than one phrasing.
COMPLAINTS["late_flight"] += [
    "been sitting on this plane for an hour",
    "we boarded and then sat there for {hours} hours",
    "the delay notice came after we got to the airport",
    "delayed {minutes} minutes, then {hours} hours, then who knows",
    "no pilot, no plane, no answers",
    "still on the ground in {city}",
    "gate change, then a delay, then another gate change",
    "departure slipped again",
    "eta keeps changing",
    "our plane is still in {city2}",
    "delays every week on this route",
    "going on {hours} hours late now",
    "waiting on maintenance for {hours} hours",
    "late departure out of {airport} again",
    "the inbound was late so we are late",
    "taxiing for an hour",
    "another delay, really",
    "held on the plane with no air conditioning",
    "we should have landed at {time}",
]
COMPLAINTS["cancellation"] += [
    "flight got cancled",
    "my flight was canceled and the next available is {day}",
    "you canceled us again",
    "woke up to a cancellation notice",
    "cancellation and no explanation",
    "they cancelled our flight home",
    "cancelled for weather but every other airline is flying",
    "cancelled and told to rebook ourselves",
    "cancelled flight, no voucher, no hotel, nothing",
    "the whole route got canceled",
    "stuck after a cancelation",
]
COMPLAINTS["lost_baggage"] += [
    "bags didn't come off the plane",
    "no one knows where my bag is",
    "mishandled bag and no updates",
    "they lost our stroller",
    "my luggage is still in {city}",
    "three of us and zero bags arrived",
    "bag was supposed to be delivered {day}",
    "gate checked bag never came back",
    "lost my bag on a nonstop flight",
]
COMPLAINTS["damaged_baggage"] += [
    "my bag came out torn open",
    "the suitcase wheel is gone",
    "you destroyed my luggage",
    "my wheelchair was damaged",
    "bottle broke in my bag because it was thrown",
    "my box arrived crushed",
    "bag ripped and dirty",
]
COMPLAINTS["customer_service"] += [
    "waited {hours} hours for a callback that never came",
    "your phone line disconnects me",
    "emailed twice, no answer",
    "no one at the service desk",
    "the agent was condescending",
    "put on hold then hung up on",
    "zero help from anyone",
    "they keep transferring me",
    "the desk closed with people still in line",
    "no one apologized",
    "your team doesn't respond",
    "worst customer service I've ever had",
    "I asked for help and got attitude",
    "agents gave us wrong information",
    "nobody has called me back",
    "they told me it's not their problem",
    "got a copy and paste reply",
    "your social team never answers",
    "hold time is {hours} hours",
]
COMPLAINTS["crew"] += [
    "{crew} barked at us",
    "{crew} was rude when I asked for water",
    "{crew} laughed at me",
    "{crew} refused to let me put my bag up",
    "{crew} was on her phone the whole time",
    "attendant was nasty",
    "{crew} embarrassed me in front of everyone",
    "{crew} made a passenger cry",
]
COMPLAINTS["booking"] += [
    "the site won't take my card",
    "can't find my reservation",
    "my reservation was cancelled without my consent",
    "tried to change my ticket and got an error",
    "the fare I booked disappeared",
    "your system lost my seat assignment",
    "seats we paid for were given to someone else",
    "can't add a bag to my booking",
    "rebooked onto the wrong day",
]
COMPLAINTS["long_lines"] += [
    "line at bag drop is insane",
    "an hour in line just to talk to someone",
    "ticket counter line hasn't moved in 40 minutes",
    "crowd at the gate and one agent",
    "lines everywhere at {airport}",
    "waiting in a huge queue to rebook",
]
COMPLAINTS["comfort"] += [
    "seat was tiny and broken",
    "no air on the plane",
    "the plane was so dirty",
    "crumbs and trash all over my seat",
    "couldn't sleep, the seat doesn't recline",
    "knees in my chest the whole flight",
    "awful bumpy flight",
    "the cabin lights never went off",
    "ice cold cabin",
    "sweltering cabin",
    "tray table was sticky",
]
COMPLAINTS["refunds_compensation"] += [
    "been waiting {hours} weeks for a refund",
    "credit card still not refunded",
    "you promised a credit and nothing",
    "refund request rejected",
    "no compensation for a missed connection",
    "the voucher code doesn't work",
]
COMPLAINTS["fees"] += [
    "{money} fee to talk to a person",
    "charged for water",
    "a fee for a printed boarding pass",
    "surprise fees at the airport",
    "{money} for a seat assignment is absurd",
]
COMPLAINTS["food"] += ["the meal made me sick", "no snacks left", "cold coffee and no food", "food was awful"]
COMPLAINTS["wifi_entertainment"] += [
    "no wifi again",
    "wifi was down the whole flight",
    "entertainment was broken",
    "screens dead on the whole plane",
    "paid for wifi and couldn't load a page",
]
COMPLAINTS["check_in"] += [
    "the kiosks are all broken",
    "online check in says error",
    "couldn't get a boarding pass on the app",
    "they wouldn't check my bag 40 minutes before",
    "got bumped at the gate",
]
COMPLAINTS["loyalty"] += ["my points disappeared", "you didn't credit my miles", "status match was denied"]
COMPLAINTS["cant_tell"] += [
    "just awful",
    "you suck",
    "hate this airline",
    "I give up",
    "so over this",
    "the worst",
    "never again",
    "this airline is a joke",
    "absolutely terrible",
    "I'm speechless",
    "horrible experience start to finish",
    "you have the worst service",
    "why do I keep flying with you",
    "another terrible trip",
    "step it up",
]
NEGATIVE_FEELINGS += [
    "so annoyed",
    "this is absurd",
    "livid",
    "disgusted",
    "so fed up",
    "this sucks",
    "ridiculous service",
    "you people",
    "clown show",
    "embarrassing",
    "poor service",
    "appalling",
    "I'm beyond frustrated",
    "not ok",
    "very poor",
    "so much for",
    "typical",
    "of course",
    "shocker",
    "sigh",
    "😠",
    "😒",
    "😞",
    "😭",
    ":/",
    "nice work",
    "thanks for ruining my day",
    "great customer service... not",
    "what a great start to my vacation",
    "really?",
    "how is this acceptable",
    "very disappointed",
    "I'm so mad",
    "still waiting",
    "hello??",
    "answer me",
    "zero stars",
    "lol this airline",
    "I hate flying with you",
    "worst experience ever",
]
CONSEQUENCES += [
    "I missed a day of work",
    "we missed our cruise",
    "my kids slept on the floor",
    "had to buy new clothes",
    "we lost a night at the hotel",
    "I've been awake for {hours} hours",
    "{people} is stuck in {city}",
    "and they want us to be grateful",
    "and the hotel voucher was a joke",
    "and we got no meal voucher",
]
PRAISE += [
    "shout out to {crew} on {flight}",
    "props to {staff} at {airport}",
    "{staff} was super nice",
    "great flight today",
    "smooth boarding and a quick flight",
    "you made my trip easy",
    "amazing service on my flight to {city}",
    "the crew on {flight} was fantastic",
    "loved the snacks",
    "love the free wifi",
    "great legroom",
    "thanks for the quick response",
    "thanks for the help {day}",
    "appreciate the follow up",
    "you fixed it, thanks",
    "thank you for taking care of my bag",
    "thanks for the upgrade",
    "we landed early, nice",
    "on time as always",
    "best airline in the sky",
    "flying you was a pleasure",
    "great to be back on your planes",
    "got a great fare to {city}",
    "booked our trip, excited",
    "can't wait to fly with you to {city}",
    "thank you for getting {people} home safe",
    "you got us to {event} on time",
    "thanks for holding the plane",
    "{crew} made {people} feel so welcome",
    "everyone was so friendly",
    "friendly staff at {airport}",
    "so easy to change my flight",
    "the new app is great",
    "great communication during the delay",
    "the agent stayed late to help us",
    "thanks for the fast rebooking",
    "excellent customer service",
    "your team was so patient with me",
    "really enjoyed my flight",
    "that was the best landing ever",
    "very comfortable flight",
    "pleasant trip",
    "five stars for the crew",
    "nice job today",
    "thank you for the response",
    "got my refund, thank you",
    "appreciate the credit",
    "that's great news",
    "love this airline",
    "impressed with the service",
    "the lounge was lovely",
    "happy customer here",
    "made it to {city}, thanks",
    "great trip with {people}",
    "seamless connection in {city}",
    "{staff} made it right",
    "customer for life",
    "you guys are awesome",
    "thanks for making it easy",
]
POSITIVE_FEELINGS += [
    "yay",
    "woohoo",
    "love love love",
    "☺️",
    "😍",
    "💙",
    "✈️",
    "🎉",
    "#winning",
    "#love",
    "#thankful",
    "#blessed",
    "so nice",
    "super",
    "great",
    "lovely",
    "brilliant",
    "cheers!",
    "thanks a million",
    "much love",
    "you're the best",
    "happy flyer",
    "awesome job",
    "well played",
    "great work",
    "outstanding",
]
QUESTIONS += [
    "is there a way to pick my seat",
    "how do I add a bag to my booking",
    "can I change my return flight",
    "will {flight} leave on time tomorrow",
    "is my flight affected by the storm",
    "any delays expected at {airport}",
    "how do I get a copy of my receipt",
    "can I use my voucher online",
    "where do I find my confirmation number",
    "do you have a flight to {city} {day}",
    "how long is the layover in {city}",
    "can I bring a stroller to the gate",
    "is there a number for group bookings",
    "can I transfer my ticket",
    "where do I send my documents",
    "what is your phone number",
    "will you add more flights to {city}",
    "can I standby on the {time}",
    "how do I link my accounts",
    "is wifi free",
    "do I need to print my boarding pass",
    "how do I get status",
    "what time does the counter open at {airport}",
    "can I bring my own food",
    "is the flight full",
    "can you check my reservation {pnr}",
    "do you allow emotional support animals",
    "any deals to {city}",
    "could you tell me the gate for {flight}",
    "is {flight} operated by you",
    "how do I apply for a job",
]
STATEMENTS += [
    "RT {flight} to {city} now boarding",
    "sent you a message",
    "just emailed customer relations",
    "on hold now, we'll see",
    "ok I sent the details",
    "will do",
    "I'll check the app",
    "noted",
    "flying to {city} for {event}",
    "back home in {city}",
    "on the way to {airport}",
    "first flight of the year",
    "looking for flights to {city}",
    "trying to book {people} a ticket",
    "new in {city}",
    "work trip to {city}",
    "gate moved to {pnr}",
    "{flight} departs at {time}",
    "we're on {flight}",
    "my confirmation is {pnr}",
    "I have a question about my booking",
    "need to change my flight",
    "please DM me",
    "followed, please DM",
    "airline adds {city} to its network",
    "the {airport} terminal is moving next month",
]
HAND_WRITTEN = [
    ("negative", "", "Two hours on hold and then the line went dead. I still don't know if I have a seat tomorrow."),
    ("negative", "late_flight;customer_service", "We've been delayed since noon and not one person at the gate has told us why."),
    ("negative", "lost_baggage", "My bag has been missing since Tuesday and the tracking page just says 'in progress'."),
    ("negative", "cancellation;refunds_compensation", "You cancelled my flight and now you're offering a voucher instead of my money back. No."),
    ("negative", "comfort", "The seat in front of me was broken and reclined into my lap for four hours."),
    ("negative", "crew", "The flight attendant snapped at my son for asking for a blanket."),
    ("negative", "booking", "Your website charged my card but never issued a ticket."),
    ("negative", "long_lines", "Ninety minutes in the bag drop queue and we still missed the flight."),
    ("negative", "fees", "Fifty dollars to change a flight you moved in the first place?"),
    ("negative", "wifi_entertainment", "Six hour flight, no screens, no wifi, and no apology."),
    ("negative", "check_in", "The app said check in was open, the kiosk said it wasn't, and the desk sent us back to the kiosk."),
    ("negative", "loyalty", "Fifteen years a member and my miles vanished after one login."),
    ("negative", "food", "Ordered a gluten free meal weeks ago and got handed a bag of pretzels."),
    ("negative", "damaged_baggage", "My suitcase came back with a cracked shell and a missing wheel."),
    ("negative", "cant_tell", "I don't even know where to start. Just a terrible day."),
    ("negative", "late_flight;lost_baggage", "Arrived three hours late and then my bag wasn't on the carousel."),
    ("negative", "cancellation;long_lines", "Flight cancelled and the rebooking line is two hundred people long."),
    ("negative", "customer_service", "Why does it take a tweet to get a reply from you?"),
    ("negative", "customer_service", "Still waiting for someone to call me back like they promised."),
    ("neutral", "", "Hi, could you tell me if my flight tomorrow morning is still scheduled?"),
    ("neutral", "", "Is it possible to bring skis as a second checked bag?"),
    ("neutral", "", "I just sent a direct message with my booking reference."),
    ("neutral", "", "Travelling with an infant next month, do I need to book a seat for her?"),
    ("neutral", "", "What's the earliest flight to Chicago on Saturday?"),
    ("neutral", "", "Do you know if the lounge in Terminal 5 is open yet?"),
    ("neutral", "", "My husband and I are on the same booking, can we check in separately?"),
    ("neutral", "", "Will I get the miles if I booked through a travel agent?"),
    ("neutral", "", "Boarding soon for our flight to Phoenix."),
    ("neutral", "", "Heading to the airport now."),
    ("positive", "", "Thank you for finding my phone and mailing it back, I really didn't expect that!"),
    ("positive", "", "Our flight attendant kept the kids entertained the whole way. You have a gem in her."),
    ("positive", "", "Smoothest landing I've ever felt. Compliments to the captain."),
    ("positive", "", "Rebooked in two minutes by a very kind agent. Thank you!"),
    ("positive", "", "Honestly the best flight I've had this year."),
    ("positive", "", "Thanks for the quick reply, all sorted now."),
    ("positive", "", "Appreciate you looking into it so fast."),
    ("positive", "", "Great service and a friendly crew, as always."),
    ("positive", "", "Just landed, what a lovely flight. Thanks team!"),
]  # fmt: skip


# A third pass: neutral requests about disruptions (asked, not complained about), praise with its context, and
# complaints without a single angry word.
QUESTIONS += [
    "is {flight} delayed",
    "has {flight} been cancelled",
    "what are my options if my flight is cancelled",
    "can you rebook me on the {time}",
    "can I get on an earlier flight to {city}",
    "will my bag transfer in {city}",
    "how do I track my bag",
    "where do I file a claim for a bag",
    "who do I talk to about a refund",
    "how long does a refund take",
    "can I get a credit instead",
    "what is the status of my refund request",
    "are flights to {city} going {day} with the snow",
    "is there a travel waiver for the storm",
    "do I need to check in again in {city}",
    "can I change my seat on {flight}",
    "what's the delay on {flight}",
    "how do I claim my miles for a past flight",
    "is there a customer service desk at {airport}",
    "my flight got moved, can I pick another",
    "can I keep my seat if I change flights",
    "what happens to my connection if {flight} is late",
    "can someone look at my booking {pnr}",
    "I was charged twice, who can I contact",
    "can I request a refund online",
]
STATEMENTS += [
    "flight {flight} was rescheduled to {time}",
    "got the rebooking email",
    "my bag is on the next flight apparently",
    "weather delay at {airport} this morning",
    "moving to the {time} flight instead",
    "I'll wait for the email then",
    "just submitted the refund form",
    "filed the claim, reference {pnr}",
    "on the standby list for {flight}",
    "storm coming, changing my plans",
    "they moved us to gate {pnr}",
]
PRAISE += [
    "{flight} from {city} to {city2}, crew was great",
    "flew {airport} to {city} {day}, smooth and on time",
    "the pilot's announcements were actually funny",
    "the gate agent in {city} saved my trip",
    "delayed but the crew handed out snacks and kept us updated, well done",
    "got to {city} early",
    "the staff at {airport} were wonderful with {people}",
    "first time flying you and I'm a fan",
    "you responded faster than any other airline",
    "thanks for the voucher, very fair",
    "my bag was delivered to my door",
    "refund processed in a week, impressed",
    "the new planes are beautiful",
    "that was painless",
]
# Complaints that state facts only: no angry word, still a complaint.
COMPLAINTS["late_flight"] += [
    "{flight} was supposed to leave at {time}. it's now {time}",
    "{hours} hours at {airport} so far",
    "3rd gate change and still no plane",
    "scheduled {time}, now showing {time}",
]
COMPLAINTS["customer_service"] += [
    "{hours} hours on hold so far",
    "called at {time}, still on hold",
    "sent 3 emails and 2 DMs, no reply",
    "first agent said yes, second said no",
]
COMPLAINTS["lost_baggage"] += ["day {hours} without my bag", "bag went to {city2}, I went to {city}"]
COMPLAINTS["cancellation"] += ["{flight} cancelled, next seat is {day}", "4th cancellation this month"]


# A fourth pass: the many ways people post without an opinion (replies, news, links, plans, asking others).
STATEMENTS += [
    "RT: {flight} to {city} is now boarding at gate {pnr}",
    "ok",
    "yes",
    "no problem",
    "sure, sending now",
    "done",
    "anyone else flying to {city} {day}?",
    "checking the status of {flight}",
    "my flight from {city} to {city2}",
    "who else is on {flight}",
    "flight {flight} tomorrow at {time}",
    "I fly out {day}",
    "leaving {airport} at {time}",
    "we'll see you at {airport}",
    "read your reply",
    "just saw your message",
    "sent the form",
    "heading home from {city}",
    "connecting through {city}",
    "it's my first time at {airport}",
    "the {airport} lounge opens at {time}",
    "airline statement on the weather: http://t.co/x2",
    "new schedule for summer is out",
    "fares to {city} from $99 this week",
    "press release: new route to {city}",
    "I'll call the reservations line",
    "will try again later",
    "calling now",
    "still on the line",
    "thinking about flying to {city} in spring",
    "planning a trip to {city} with {people}",
    "my mom is flying {flight} {day}",
    "picking up a friend at {airport}",
    "have the confirmation email",
    "I have a reservation on {flight}",
    "our seats are 14A and 14B",
    "window or aisle, decisions",
    "watching planes at {airport}",
    "the ad with the pilots is on tv again",
    "saw your plane over {city}",
]
QUESTIONS += [
    "anyone know if {flight} is on time",
    "do you know when boarding starts",
    "what's the deal with the new boarding groups",
    "will there be a sale soon",
    "is it true you're adding flights to {city}",
    "how does standby work",
    "do you have an app for android",
    "what does basic economy include",
    "can I bring a backpack and a carry on",
    "how do I update my email address",
    "what time is the first flight to {city}",
    "do kids need an ID",
    "can I get a seat with extra legroom",
    "is the {time} nonstop",
    "can I add a lap infant",
    "how do I contact lost and found",
    "are you hiring flight attendants",
    "do you have flights to {city} in March",
    "can I pay in installments",
    "where can I see the seat map",
    "when does online check in open",
    "is there a student discount",
]


def style(rng: random.Random, body: str, sentiment: str) -> str:
    """Dress a message as a post, an email, a survey answer or a review."""
    kind = rng.choices(["tweet", "email", "survey", "review"], weights=[70, 10, 12, 8])[0]
    if kind == "tweet":
        handle = rng.choice(HANDLES)
        text = f"{handle} {body}" if rng.random() < 0.85 else f"{body} {handle}"
        if rng.random() < 0.3:
            text = text.lower()
        if rng.random() < 0.1:
            text += " " + rng.choice(["http://t.co/x1", "https://t.co/abc", "#travel", "#flying", "#airport"])
        return text
    if kind == "email":
        closing = slot(rng, rng.choice(EMAIL_CLOSE)) if sentiment == "negative" else "Thank you."
        return f"{rng.choice(EMAIL_OPEN)} {_sentence(body)} {closing}"
    if kind == "survey":
        prefix = rng.choice(SURVEY_WRONG) if sentiment == "negative" else ""
        return prefix + _sentence(body)
    score = rng.choice(REVIEW_SCORE_NEG if sentiment == "negative" else REVIEW_SCORE_POS)
    route = f"Flew {rng.choice(AIRPORTS)}-{rng.choice(AIRPORTS)}. "
    return (route + _sentence(body) + (" " + score if score else "")).strip()


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" or not text[-1].isalnum() else text + "."


def join(rng: random.Random, parts: list[str]) -> str:
    glue = rng.choice([" ", ". ", ", ", " - ", "... ", "! "])
    return glue.join(p for p in parts if p)


def negative(rng: random.Random) -> tuple[str, list[str]]:
    topics = [rng.choice(list(COMPLAINTS))]
    if rng.random() < TWO_TOPICS:
        second = rng.choice([t for t in COMPLAINTS if t not in (topics[0], "cant_tell")])
        if topics[0] == "cant_tell":
            topics = [second]
        else:
            topics.append(second)
    clauses = [slot(rng, rng.choice(COMPLAINTS[t])) for t in topics]
    if rng.random() < 0.12 and topics[0] != "cant_tell":
        clauses[0] = slot(rng, rng.choice(POLITE_COMPLAINTS)).replace("{complaint}", clauses[0])
    body = (
        join(rng, clauses)
        if len(clauses) == 1
        else rng.choice([" and ", ", then ", ". Also ", " and now "]).join(clauses)
    )
    extra = []
    if rng.random() < 0.35:
        extra.append(slot(rng, rng.choice(CONSEQUENCES)))
    if rng.random() < 0.7:
        extra.append(rng.choice(NEGATIVE_FEELINGS))
    if rng.random() < 0.2:
        extra.insert(0, rng.choice(NEGATIVE_FEELINGS))
    text = join(rng, [body, *extra])
    return style(rng, text, "negative"), topics


def neutral(rng: random.Random) -> str:
    if rng.random() < 0.6:
        body = slot(rng, rng.choice(QUESTIONS))
        body = body + rng.choice(["?", "?", "??", " ?", ""])
    else:
        body = slot(rng, rng.choice(STATEMENTS))
    tail = rng.choice(NEUTRAL_TAILS)
    if rng.random() < 0.2:
        body = slot(rng, rng.choice(STATEMENTS)) + ". " + body
    text = f"{body} {tail}".strip()
    return style(rng, text, "neutral")


def positive(rng: random.Random) -> str:
    if rng.random() < 0.12:
        body = slot(rng, rng.choice(RECOVERED))
    else:
        body = slot(rng, rng.choice(PRAISE)).replace("{crew_name}", rng.choice(CREW_NAMES))
        if rng.random() < 0.25:
            body = join(rng, [body, slot(rng, rng.choice(PRAISE)).replace("{crew_name}", rng.choice(CREW_NAMES))])
    parts = [body]
    if rng.random() < 0.75:
        parts.append(rng.choice(POSITIVE_FEELINGS))
    if rng.random() < 0.2:
        parts.insert(0, rng.choice(POSITIVE_FEELINGS))
    return style(rng, join(rng, parts), "positive")


def build(seed: int = SEED) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)  # noqa: S311 - a reproducible corpus, not a secret
    rows: list[tuple[str, str, str]] = []
    for _ in range(NEGATIVE_ROWS):
        text, topics = negative(rng)
        rows.append((text, "negative", ";".join(topics)))
    rows += [(neutral(rng), "neutral", "") for _ in range(NEUTRAL_ROWS)]
    rows += [(positive(rng), "positive", "") for _ in range(POSITIVE_ROWS)]
    for sentiment, topics, text in HAND_WRITTEN:
        rows.append((text, sentiment, topics))
        rows.append((f"{rng.choice(HANDLES)} {text}", sentiment, topics))
    rng.shuffle(rows)
    seen: set[str] = set()
    unique = []
    for row in rows:
        if row[0] not in seen:
            seen.add(row[0])
            unique.append(row)
    return unique


def render(rows: list[tuple[str, str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["text", "sentiment", "topics"])
    writer.writerows(rows)
    return out.getvalue()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=CORPUS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--train", action="store_true", help=f"also train the default model into {MODEL}")
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render(build(args.seed)), encoding="utf-8")
    if args.train:
        train(args.out)
    return 0


def train(corpus: Path) -> None:
    """Train the shipped default model on the corpus (no cross-validation: the corpus is not the measure)."""
    sys.path.insert(0, str(ROOT / "src"))
    from goodwill.listening import learning

    manifest = learning.train_model(
        corpus,
        text_column="text",
        label_column="sentiment",
        topic_column="topics",
        weight_column=None,
        out=MODEL,
        cv_folds=0,
        with_lexicon=True,
    )
    trained = manifest["trained_on"]
    print(f"{MODEL}: {trained['rows']} rows, {trained['training_seconds']} s")  # noqa: T201 - a script's report


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
