print("ddcal")
