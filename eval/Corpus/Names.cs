namespace PrivateInference.Eval.Corpus;

/// <summary>
/// Hand-written name lists of many origins. Deliberately includes names that are also common words
/// (Will, Rose, Hope, Young, King, Brown), hyphens, apostrophes, particles and non-ASCII letters.
/// </summary>
internal static class Names
{
    public static readonly string[] Female =
    [
        "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah", "Karen",
        "Nancy", "Lisa", "Betty", "Margaret", "Sandra", "Ashley", "Kimberly", "Emily", "Donna", "Michelle",
        "Dorothy", "Carol", "Amanda", "Melissa", "Deborah", "Stephanie", "Rebecca", "Sharon", "Laura", "Cynthia",
        "Kathleen", "Amy", "Angela", "Shirley", "Anna", "Brenda", "Pamela", "Emma", "Nicole", "Helen",
        "Samantha", "Katherine", "Christine", "Debra", "Rachel", "Carolyn", "Janet", "Catherine", "Maria", "Heather",
        "Diane", "Ruth", "Julie", "Olivia", "Joyce", "Virginia", "Victoria", "Kelly", "Lauren", "Christina",
        "Joan", "Evelyn", "Judith", "Megan", "Andrea", "Cheryl", "Hannah", "Jacqueline", "Martha", "Gloria",
        "Teresa", "Ann", "Sara", "Madison", "Frances", "Kathryn", "Janice", "Jean", "Abigail", "Alice",
        "Rose", "Hope", "Grace", "Faith", "Joy", "June", "April", "May", "Summer", "Dawn",
        "Eve", "Sue", "Pat", "Ivy", "Iris", "Violet", "Autumn", "Star", "Honey", "Crystal",
        "Guadalupe", "Ximena", "Lucía", "Valentina", "Camila", "Sofía", "Isabella", "Mariana", "Renata", "Dolores",
        "Aaliyah", "Imani", "Nia", "Zuri", "Ayana", "Chiamaka", "Ngozi", "Adaeze", "Folasade", "Amara",
        "Fatima", "Aisha", "Layla", "Noor", "Yasmin", "Mariam", "Zainab", "Huda", "Leila", "Samira",
        "Priya", "Ananya", "Deepika", "Lakshmi", "Sunita", "Kavya", "Meera", "Harpreet", "Nandini", "Aarti",
        "Mei", "Xiu Ying", "Li Na", "Yuki", "Haruka", "Sakura", "Ji-woo", "Seo-yeon", "Min-ji", "Thu",
        "Linh", "Ngoc Anh", "Maricel", "Jocelyn", "Rosario", "Olga", "Svetlana", "Natalia", "Agnieszka", "Małgorzata",
        "Ingrid", "Astrid", "Sigrid", "Freja", "Zoë", "Chloé", "Renée", "Inés", "Maëlle", "Anne-Marie",
        "Mary-Kate", "Marie-Claire", "Siobhan", "Niamh", "Aoife", "Saoirse", "Leilani", "Keala", "Winona", "Aponi",
    ];

    public static readonly string[] Male =
    [
        "James", "Robert", "John", "Michael", "David", "William", "Richard", "Joseph", "Thomas", "Charles",
        "Christopher", "Daniel", "Matthew", "Anthony", "Donald", "Steven", "Paul", "Andrew", "Joshua", "Kenneth",
        "Kevin", "Brian", "George", "Timothy", "Ronald", "Edward", "Jason", "Jeffrey", "Ryan", "Jacob",
        "Gary", "Nicholas", "Eric", "Jonathan", "Stephen", "Larry", "Justin", "Scott", "Brandon", "Benjamin",
        "Samuel", "Gregory", "Alexander", "Frank", "Patrick", "Raymond", "Jack", "Dennis", "Jerry", "Tyler",
        "Will", "Bill", "Mark", "Art", "Rich", "Bob", "Hunter", "Chase", "Sonny", "Buck",
        "Miles", "Wade", "Gene", "Guy", "Drew", "Dale", "Rusty", "Lance", "Skip", "Ray",
        "José", "Luis", "Carlos", "Juan", "Miguel", "Jesús", "Alejandro", "Santiago", "Mateo", "Joaquín",
        "Ángel", "Tomás", "Andrés", "Rafael", "Diego", "Emeka", "Chidi", "Oluwaseun", "Kwame", "Kofi",
        "Tunde", "Jabari", "Malik", "DeShawn", "Tyrone", "Mohammed", "Ahmed", "Omar", "Yusuf", "Hassan",
        "Ali", "Karim", "Tariq", "Ibrahim", "Khalid", "Rajesh", "Arjun", "Vikram", "Sanjay", "Rohan",
        "Gurpreet", "Anil", "Siddharth", "Wei", "Jian", "Hao", "Zhen", "Hiroshi", "Takeshi", "Kenji",
        "Min-jun", "Joon-ho", "Duc", "Minh", "Quang", "Rodrigo", "Jun", "Dmitri", "Sergei", "Aleksandr",
        "Piotr", "Łukasz", "Tomasz", "Björn", "Søren", "Lars", "Henrik", "Jürgen", "Matthias", "François",
        "Jean-Luc", "Jean-Pierre", "Pierre", "Étienne", "Giovanni", "Luca", "Marco", "Stavros", "Nikos", "Dimitrios",
        "Eitan", "Avi", "Moshe", "Cormac", "Seamus", "Declan", "Eoin", "Kai", "Koa", "Dakota",
        "Kenta", "Arash", "Dariush", "Reza", "Emre", "Mehmet", "Oğuz", "Tavita", "Sione", "Mikaere",
    ];

    public static readonly string[] Surnames =
    [
        "Smith", "Johnson", "Williams", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor", "Thomas",
        "Moore", "Jackson", "Martin", "Lee", "Thompson", "Harris", "Clark", "Lewis", "Robinson", "Walker",
        "Allen", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Adams", "Nelson", "Baker", "Hall",
        "Campbell", "Mitchell", "Carter", "Roberts", "Phillips", "Evans", "Turner", "Parker", "Collins", "Edwards",
        "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Morgan", "Peterson", "Cooper", "Reed", "Bailey",
        "Young", "King", "Brown", "White", "Black", "Green", "Long", "Short", "Page", "Price",
        "Rice", "Wood", "Stone", "Mills", "Banks", "Little", "Law", "Lamb", "Fox", "Bird",
        "Moody", "Best", "Love", "Bell", "Hope", "Waters", "Rivers", "Frost", "Snow", "Winter",
        "Church", "Mark", "Rich", "Gay", "Cash", "Sharp", "Swift", "Strong", "Hardy", "Noble",
        "Garcia", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Pérez", "Sánchez", "Ramírez", "Flores",
        "Rivera", "Gómez", "Díaz", "Reyes", "Cruz", "Morales", "Ortiz", "Gutiérrez", "Chávez", "Ramos",
        "Núñez", "Ibáñez", "Castañeda", "Peña", "Muñoz", "García-López", "Fernández-Ruiz", "de la Cruz", "de León", "del Río",
        "Okafor", "Adeyemi", "Okonkwo", "Mensah", "Boateng", "Diallo", "Ndlovu", "Abebe", "Mwangi", "Kamau",
        "Oyelaran", "Eze", "N'Diaye", "Traoré", "Keïta", "Haile", "Tesfaye", "Otieno", "Achebe", "Balogun",
        "Khan", "Ahmed", "Hussain", "Rahman", "Haddad", "Nasser", "Khoury", "Saleh", "Mansour", "al-Rashid",
        "Abdullah", "el-Amin", "Farouk", "Suleiman", "Aziz", "Patel", "Sharma", "Singh", "Gupta", "Reddy",
        "Iyer", "Nair", "Chatterjee", "Banerjee", "Desai", "Mehta", "Kapoor", "Rao", "Pillai", "Bhattacharya",
        "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou",
        "Tanaka", "Suzuki", "Takahashi", "Watanabe", "Yamamoto", "Nakamura", "Kim", "Park", "Choi", "Jung",
        "Tran", "Pham", "Le", "Vu", "Dang", "Bui", "Santos", "Reyes-Dela Paz", "Bautista", "Villanueva",
        "Ivanov", "Petrova", "Smirnov", "Kuznetsova", "Popescu", "Kowalski", "Wiśniewska", "Nowak", "Dvořák", "Horváth",
        "Müller", "Schmidt", "Schneider", "Fischer", "Weiß", "Becker", "Schäfer", "Köhler", "Hoffmann", "Krüger",
        "Dubois", "Lefèvre", "Moreau", "Girard", "Rousseau", "Rossi", "Russo", "Esposito", "Bianchi", "Romano",
        "De Luca", "Di Stefano", "D'Angelo", "Papadopoulos", "Georgiou", "Andersen", "Nielsen", "Johansson", "Lindqvist", "Håkansson",
        "van der Berg", "van Dijk", "de Vries", "van 't Hof", "ter Horst", "van den Bosch", "Van Buren", "da Silva", "dos Santos", "Da Costa",
        "O'Brien", "O'Connor", "O'Malley", "O'Neill", "McAllister", "MacDonald", "McCarthy", "Fitzgerald", "D'Souza", "St. John",
        "Smith-Jones", "Okafor-Williams", "Ahmed-Khan", "Baker-Lee", "Hayes-Morgan", "Cohen", "Levi", "Friedman", "Goldberg", "Shapiro",
        "Yılmaz", "Kaya", "Demir", "Şahin", "Petrov", "Novak", "Horvat", "Kovač", "Jovanović", "Nikolić",
        "Mazur", "Wójcik", "Kaczmarek", "Lund", "Berg", "Virtanen", "Korhonen", "Mäkinen", "Hughes", "Sullivan",
        "Foster", "Bryant", "Jenkins", "Washington", "Jefferson", "Booker", "Freeman", "Ellison", "Gaines", "Holloway",
        "Yazzie", "Begay", "Tsosie", "Kahananui", "Kealoha", "Tuiasosopo", "Fonoti", "Ngata", "Tupou", "Whitehorse",
    ];

    /// <summary>Names that are also common words, used as words by the negatives.</summary>
    public static readonly string[] CommonWordNames = ["Will", "Rose", "Hope", "Bill", "Grace", "Faith", "Mark", "Young", "King", "Brown", "May", "Joy"];
}
