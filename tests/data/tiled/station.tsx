<?xml version="1.0" encoding="UTF-8"?>
<tileset version="1.10" tiledversion="1.10.2" name="station" tilewidth="16" tileheight="16" tilecount="5" columns="5">
 <image source="station.png" width="80" height="16"/>
 <tile id="0" type="vacuum"/>
 <tile id="1" type="floor"/>
 <tile id="2" type="wall"/>
 <tile id="3" type="hull"/>
 <tile id="4" type="door"/>
</tileset>
