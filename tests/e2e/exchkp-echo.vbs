' The KB's Exchange 2000 / MOM 2000 SP1 calls (ExchKP.PubKeyPublisher), printing what happened: cscript
' swallows runtime errors, so every outcome is printed and becomes the exit code.
On Error Resume Next
Set oKeySet = CreateObject("ExchKP.PubKeyPublisher")
If Err.Number <> 0 Then
    WScript.Echo "CreateObject failed: " & Err.Number
    WScript.Quit 2
End If
ErrID = oKeySet.Publish()
If Err.Number <> 0 Then
    WScript.Echo "Publish raised: " & Err.Number
    Set oKeySet = Nothing
    WScript.Quit 3
End If
WScript.Echo "ErrID=" & ErrID
' Release before Quit: Wine's script host ends the process without releasing
' objects, and the server would then wait out its idle timeout.
Set oKeySet = Nothing
WScript.Quit ErrID
