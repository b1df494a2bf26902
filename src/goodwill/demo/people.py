"""Word lists for the demo airline's passengers, pure data: names typical of each language, the words of
their wishes, and fictional contact details. Every person built from them is invented; emails use the
reserved example domains and phones the fictional 555-01xx range of each area code."""

from __future__ import annotations

# language -> (weight among households, female first names, male first names, surnames)
LANGUAGES: dict[str, tuple[float, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "en": (
        0.66,
        (
            "Emily", "Sarah", "Jessica", "Ashley", "Jennifer", "Amanda", "Megan", "Lauren", "Rachel", "Nicole",
            "Olivia", "Emma", "Grace", "Hannah", "Abigail", "Madison", "Elizabeth", "Katherine", "Susan", "Linda",
            "Patricia", "Karen", "Michelle", "Rebecca", "Laura", "Danielle", "Stephanie", "Heather", "Chloe", "Zoe",
        ),
        (
            "James", "Michael", "Robert", "John", "David", "William", "Richard", "Joseph", "Thomas", "Christopher",
            "Daniel", "Matthew", "Anthony", "Andrew", "Joshua", "Ryan", "Brian", "Kevin", "Jason", "Justin",
            "Brandon", "Tyler", "Ethan", "Noah", "Liam", "Benjamin", "Samuel", "Nathan", "Patrick", "Sean",
        ),
        (
            "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor",
            "Thomas", "Moore", "Jackson", "Martin", "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson",
            "Walker", "Young", "Allen", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson",
            "Hill", "Campbell", "Mitchell", "Roberts", "Carter", "Phillips", "Evans", "Turner", "Parker", "Collins",
            "Edwards", "Stewart", "Murphy", "Cook", "Rogers", "Morgan", "Cooper", "Peterson", "Reed", "Bailey",
            "Kelly", "Howard", "Ward", "Cox", "Richardson", "Wood", "Watson", "Brooks", "Bennett", "Gray",
            "O'Brien", "Sullivan", "Fitzgerald", "Kowalski", "Goldberg", "Cohen", "Nguyen", "Chen", "Kim", "Patel",
        ),
    ),
    "es": (
        0.18,
        (
            "María", "Carmen", "Ana", "Lucía", "Sofía", "Isabel", "Valentina", "Gabriela", "Daniela", "Camila",
            "Rosa", "Marisol", "Yolanda", "Alejandra", "Paola", "Natalia", "Verónica", "Lourdes", "Mercedes", "Elena",
            "Jimena", "Ximena", "Adriana", "Beatriz", "Inés",
        ),
        (
            "José", "Luis", "Carlos", "Juan", "Miguel", "Jorge", "Alejandro", "Javier", "Rafael", "Fernando",
            "Andrés", "Manuel", "Ricardo", "Diego", "Pedro", "Héctor", "Ramón", "Eduardo", "Santiago", "Mateo",
            "Julio", "Sergio", "Raúl", "Óscar", "Emilio",
        ),
        (
            "García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez", "Sánchez", "Ramírez",
            "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Reyes", "Morales", "Cruz", "Ortiz", "Gutiérrez",
            "Chávez", "Ramos", "Vargas", "Castillo", "Jiménez", "Moreno", "Romero", "Herrera", "Medina", "Aguilar",
            "Vega", "Colón", "Santiago", "Figueroa", "Ortega", "Delgado", "Méndez", "Ruiz", "Álvarez", "Núñez",
            "Peña",
        ),
    ),
    "fr": (
        0.06,
        (
            "Camille", "Léa", "Chloé", "Manon", "Inès", "Juliette", "Sophie", "Amélie", "Céline", "Élodie",
            "Margaux", "Claire", "Louise", "Mathilde", "Nathalie", "Isabelle", "Sandrine", "Émilie", "Aurélie",
            "Geneviève",
        ),
        (
            "Lucas", "Hugo", "Louis", "Jules", "Théo", "Antoine", "Julien", "Nicolas", "Mathieu", "Pierre",
            "François", "Guillaume", "Sébastien", "Olivier", "Benoît", "Étienne", "Jérôme", "Laurent", "Maxime",
            "Jean-Baptiste",
        ),
        (
            "Martin", "Bernard", "Dubois", "Durand", "Lefebvre", "Moreau", "Laurent", "Simon", "Michel", "Leroy",
            "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine",
            "Rousseau", "Vincent", "Tremblay", "Gagnon", "Côté", "Bouchard", "Gauthier", "Pierre-Louis",
            "Jean-Baptiste", "Désir",
        ),
    ),
    "pt": (
        0.05,
        (
            "Ana", "Maria", "Beatriz", "Mariana", "Juliana", "Fernanda", "Larissa", "Camila", "Letícia", "Gabriela",
            "Patrícia", "Aline", "Bruna", "Carolina", "Luíza", "Renata", "Tatiana", "Vitória", "Raquel", "Joana",
        ),
        (
            "João", "Pedro", "Lucas", "Gabriel", "Rafael", "Mateus", "Gustavo", "Felipe", "Bruno", "Thiago",
            "Rodrigo", "Leonardo", "Marcelo", "Eduardo", "André", "Vinícius", "Henrique", "Caio", "Diogo", "Paulo",
        ),
        (
            "Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Ferreira", "Rodrigues", "Almeida", "Lima",
            "Carvalho", "Gomes", "Ribeiro", "Martins", "Araújo", "Barbosa", "Rocha", "Alves", "Cardoso", "Teixeira",
            "Nascimento", "Moreira", "Mendes", "Freitas", "Correia", "Pinto", "Monteiro", "Cavalcanti", "Azevedo",
            "Magalhães",
        ),
    ),
    "it": (
        0.03,
        (
            "Giulia", "Francesca", "Chiara", "Sara", "Martina", "Valentina", "Alessandra", "Federica", "Elisa",
            "Silvia",
        ),
        (
            "Marco", "Alessandro", "Giuseppe", "Francesco", "Luca", "Matteo", "Lorenzo", "Davide", "Stefano",
            "Giovanni",
        ),
        (
            "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
            "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti",
        ),
    ),
    "de": (
        0.02,
        ("Anna", "Lena", "Julia", "Katharina", "Sabine", "Petra", "Lea", "Johanna", "Franziska", "Ursula"),
        ("Lukas", "Jonas", "Maximilian", "Felix", "Tobias", "Stefan", "Andreas", "Jürgen", "Matthias", "Florian"),
        (
            "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
            "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger",
        ),
    ),
}  # fmt: skip

# Destinations a language's speakers fly to more often than average (multiplier on the route's weight).
AFFINITY: dict[str, dict[str, float]] = {
    "es": {"SJU": 6.0, "BQN": 8.0, "PSE": 8.0, "FLL": 2.0, "MCO": 2.0, "HOU": 1.5, "AUS": 1.5},
    "pt": {"FLL": 3.0, "MCO": 4.0, "BOS": 2.0},
    "fr": {"BTV": 4.0, "PBI": 2.0, "FLL": 2.0, "MSY": 3.0},
    "it": {"MCO": 1.5, "LAS": 2.0, "SFO": 2.0},
    "de": {"LAS": 2.0, "SFO": 2.0, "MCO": 2.0, "LAX": 1.5},
}

EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com", "inbox.example.org")

# Area codes of the cities the airline serves; only 555-0100..555-0199 is used with each (fictional range).
AREA_CODES = (
    "212", "646", "718", "917", "347", "929", "516", "631", "914", "201", "973", "732", "908", "617", "781",
    "857", "305", "786", "954", "754", "561", "407", "321", "813", "727", "239", "941", "904", "787", "939",
    "310", "323", "213", "818", "562", "415", "650", "408", "510", "916", "619", "858", "206", "503", "702",
    "602", "480", "801", "303", "720", "505", "504", "512", "713", "832", "312", "773", "202", "703", "571",
    "704", "980", "919", "984", "843", "412", "716", "585", "315", "802", "207", "508", "774", "401", "860",
)  # fmt: skip

SEATS = ("window", "aisle", "window", "aisle", "no preference")
MEALS = ("vegetarian", "vegan", "gluten_free", "kosher", "halal", "low_sodium")

# occasion -> language -> template; {city} is the trip's destination, {age} a round birthday or anniversary,
# {child} our daughter or our son.
WISHES: dict[str, dict[str, str]] = {
    "honeymoon": {
        "en": "honeymoon",
        "es": "luna de miel",
        "fr": "voyage de noces",
        "pt": "lua de mel",
        "it": "viaggio di nozze",
        "de": "Flitterwochen",
    },
    "first_flight": {
        "en": "first flight with {child}",
        "es": "primer vuelo con {child}",
        "fr": "premier vol avec {child}",
        "pt": "primeiro voo com {child}",
        "it": "primo volo con {child}",
        "de": "erster Flug mit {child}",
    },
    "funeral": {
        "en": "my father's funeral",
        "es": "el funeral de mi padre",
        "fr": "les obsèques de mon père",
        "pt": "o funeral do meu pai",
        "it": "il funerale di mio padre",
        "de": "die Beerdigung meines Vaters",
    },
    "wedding": {
        "en": "wedding in {city}",
        "es": "boda en {city}",
        "fr": "mariage à {city}",
        "pt": "casamento em {city}",
        "it": "matrimonio a {city}",
        "de": "Hochzeit in {city}",
    },
    "birthday": {
        "en": "celebrating my {age}th birthday in {city}",
        "es": "celebrar mis {age} años en {city}",
        "fr": "fêter mes {age} ans à {city}",
        "pt": "comemorar meus {age} anos em {city}",
        "it": "festeggiare i miei {age} anni a {city}",
        "de": "meinen {age}. Geburtstag in {city} feiern",
    },
    "anniversary": {
        "en": "our {age}th wedding anniversary",
        "es": "nuestro {age} aniversario de bodas",
        "fr": "nos {age} ans de mariage",
        "pt": "nossos {age} anos de casamento",
        "it": "il nostro {age}° anniversario di matrimonio",
        "de": "unser {age}. Hochzeitstag",
    },
    "medical": {
        "en": "travelling for my mother's surgery, she may need help at the airport",
        "es": "viajo por la operación de mi madre, puede necesitar ayuda en el aeropuerto",
        "fr": "je voyage pour l'opération de ma mère, elle aura peut-être besoin d'aide à l'aéroport",
        "pt": "viajo para a cirurgia da minha mãe, ela pode precisar de ajuda no aeroporto",
        "it": "viaggio per l'operazione di mia madre, potrebbe avere bisogno di assistenza in aeroporto",
        "de": "ich reise zur Operation meiner Mutter, sie braucht am Flughafen vielleicht Hilfe",
    },
    "other": {
        "en": "surprise visit to my grandmother in {city}",
        "es": "visita sorpresa a mi abuela en {city}",
        "fr": "visite surprise à ma grand-mère à {city}",
        "pt": "visita surpresa à minha avó em {city}",
        "it": "visita a sorpresa a mia nonna a {city}",
        "de": "Überraschungsbesuch bei meiner Großmutter in {city}",
    },
}
CHILD_WORDS: dict[str, tuple[str, str]] = {  # language -> (our daughter, our son)
    "en": ("our daughter", "our son"),
    "es": ("nuestra hija", "nuestro hijo"),
    "fr": ("notre fille", "notre fils"),
    "pt": ("nossa filha", "nosso filho"),
    "it": ("nostra figlia", "nostro figlio"),
    "de": ("unserer Tochter", "unserem Sohn"),
}
# How people name the place, where the airport's city is not it.
CITY_NAMES = {
    "JFK": "New York",
    "LGA": "New York",
    "EWR": "New York",
    "SRQ": "Sarasota",
    "MVY": "Martha's Vineyard",
    "IAD": "Washington",
}
