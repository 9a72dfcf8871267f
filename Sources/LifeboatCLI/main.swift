print("lifeboat")
