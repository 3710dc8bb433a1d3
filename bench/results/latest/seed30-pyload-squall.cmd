/usr/bin/python3 ../shared/tools/httpload.py -parallel 200 -seconds 30 http://127.0.0.1:42595/
